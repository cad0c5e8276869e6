"""The user's next message: must-match and must-not-match tables, per language."""

from __future__ import annotations

import pytest

from finetune_collection.signals.replies import detect_reply, judge

ACCEPTED = [
    "Thanks!", "thank you, works perfectly", "LGTM", "Looks good, merged.", "Perfect.", "That fixed it 👍",
    "Danke!", "Funktioniert, danke.", "Sieht gut aus.", "Merci beaucoup", "Parfait, ça marche.",
    "¡Gracias!", "Funciona perfecto.", "Obrigado, funcionou!", "Grazie, funziona.", "ありがとう！", "動きました。",
    "谢谢，可以了", "No problem with the naming, thanks!", "Great, prepare the plan next.",
]
REJECTED = [
    "No, that's wrong.", "Please revert this.", "That broke the login page.", "It doesn't work.",
    "Still failing on CI.", "Thanks, but it still fails.", "Nein, das ist falsch.", "Funktioniert immer noch nicht.",
    "Bitte rückgängig machen.", "Non, annule ça.", "Ça ne marche toujours pas.", "No funciona.", "Está mal, revierte.",
    "Não funciona.", "Non funziona.", "違います。", "動かないです", "元に戻してください", "不对，回滚吧", "👎",
    "Why did you change the schema? Revert it.", "I reverted it myself.", "Danke, aber es geht noch nicht.",
    "Gracias, pero sigue sin funcionar.", "ありがとう、でもまだ動かない。",
]
UNCLEAR = [
    "", "   ", "Does it work on Windows?", "Now add logging.", "Hmm.", "Great, but keep in mind the folder moves.",
    "No, thanks, that's all I needed… actually wait.", "Not perfect yet.", "Can you explain the diff?",
    "show tools", "it's good, but the issue is that several processes run at once",
    "x" * 3000 + " thanks",
    "Don't revert the migration.", "Works on my machine but not in CI.",
]


@pytest.mark.parametrize("reply", ACCEPTED)
def test_accepted(reply: str) -> None:
    assert judge(reply) is not None and judge(reply)[0] == "user_accepted"  # type: ignore[index]


@pytest.mark.parametrize("reply", REJECTED)
def test_rejected(reply: str) -> None:
    assert judge(reply) is not None and judge(reply)[0] == "user_rejected"  # type: ignore[index]


@pytest.mark.parametrize("reply", UNCLEAR)
def test_unclear_gives_nothing(reply: str) -> None:
    assert detect_reply(reply) == []


def test_evidence_is_the_deciding_words_only() -> None:
    [obs] = detect_reply("My card is 4111 1111 1111 1111 and thanks, it works now")
    assert obs.evidence.lower() in ("thanks", "works now", "it works") and obs.where == "user reply"

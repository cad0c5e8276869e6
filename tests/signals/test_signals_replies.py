"""The user's next message: must-match and must-not-match tables, per language."""

from __future__ import annotations

import pytest

from finetune_collection.signals.replies import detect_reply, judge

ACCEPTED = [
    "Thanks!", "thank you, works perfectly", "LGTM", "Looks good, merged.", "Perfect.", "That fixed it 👍",
    "Danke!", "Funktioniert, danke.", "Sieht gut aus.", "Merci beaucoup", "Parfait, ça marche.",
    "¡Gracias!", "Funciona perfecto.", "Obrigado, funcionou!", "Grazie, funziona.", "ありがとう！", "動きました。",
    "谢谢，可以了", "No problem with the naming, thanks!", "Great, prepare the plan next.",
    # added with holdout3
    "Don't revert it, it's fine.", "That worked, thanks.", "all good", "✅", "Now it works, thanks!",
    "Great, now add logging.", "Super, läuft jetzt!", "Impeccable, merci.", "Valeu, funcionou!", "Ótimo, obrigado.",
    "Ottimo, grazie!", "搞定了，谢谢", "완벽해요, 감사합니다!", "잘 돼요", "Спасибо, всё работает!", "Отлично!",
    "Top, werkt nu, bedankt!", "Ziet er goed uit.", "Amazing, thank you", "Sweet!", "yay", "Cool, merged.",
]
REJECTED = [
    "No, that's wrong.", "Please revert this.", "That broke the login page.", "It doesn't work.",
    "Still failing on CI.", "Thanks, but it still fails.", "Nein, das ist falsch.", "Funktioniert immer noch nicht.",
    "Bitte rückgängig machen.", "Non, annule ça.", "Ça ne marche toujours pas.", "No funciona.", "Está mal, revierte.",
    "Não funciona.", "Non funziona.", "違います。", "動かないです", "元に戻してください", "不对，回滚吧", "👎",
    "Why did you change the schema? Revert it.", "I reverted it myself.", "Danke, aber es geht noch nicht.",
    "Gracias, pero sigue sin funcionar.", "ありがとう、でもまだ動かない。",
    # added with holdout3: sarcasm, "still …", and verb + pronoun + adverbs + negation
    "great, now it's broken", "Oh perfect, another error.", "Amazing, now nothing works.", "Cool, now the build fails.", "Same error as before.", "Still not working.",
    "That's not what I meant.", "Nothing works now.", "Leider geht es immer noch nicht.", "Läuft noch immer nicht.",
    "Toujours pas.", "Sigue dando error.", "Deshazlo.", "Não funcionou, ainda dá erro.", "Não está funcionando.",
    "È ancora rotto.", "同じエラーです。", "还是报错", "아직도 안 돼요.", "작동하지 않아요", "Не работает, откати.",
    "Всё ещё падает.", "Dat klopt niet, draai het terug.", "Werkt nog steeds niet.", "❌",
    "Hmm no, the badge should be green.", "Well, no.", "That didn't fix it.", "Still the same.", "Not quite.", "I'm still getting the same error.", "It's worse now.",
    "Спасибо, но всё ещё падает.", "Bedankt, maar het werkt niet.", "감사합니다, 하지만 아직도 안 돼요.",
]
UNCLEAR = [
    "", "   ", "Does it work on Windows?", "Now add logging.", "Hmm.", "Great, but keep in mind the folder moves.",
    "No, thanks, that's all I needed… actually wait.", "Not perfect yet.", "Can you explain the diff?",
    "show tools", "it's good, but the issue is that several processes run at once",
    "x" * 3000 + " thanks",
    "Don't revert the migration.", "Works on my machine but not in CI.",
    "🤔", "Why did you change the signature?", "Great, but now the docs are out of date.",
    "Could you also make it faster?", "안 좋아요", "Не отлично, но ладно", "It's still not clear to me why.",
    "Still, I'd like a test for it.", "Hmm, no problem, I'll check later?", "Umm",
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

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
    # added with holdout5: the problem is gone (a problem word under a negation), in several languages
    "No more failures on my side, thank you.", "It doesn't crash anymore 🎉", "The errors are gone, thanks",
    "Keine Fehler mehr, danke!", "Ya no falla, gracias.", "Não quebra mais, obrigado!", "Plus d'erreur, merci !",
    "警告が出なくなりました、ありがとう", "もう落ちないです。ありがとう！", "报错都消失了，谢谢", "不再报错了，谢谢",
    "Ошибок больше нет, спасибо", "直った！", "Thanks, no need to roll back.",
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
    # added with holdout5: "still" + what is wrong, after a thanks and a contrast word
    "Thanks! Sadly the build is still failing.", "Great work, although the favicon is still missing.",
    "Looks good except the footer is still broken.", "Merci, malheureusement ça ne marche toujours pas.",
    "Danke, leider funktioniert es noch nicht.", "ありがとう、ただまだエラーが出ます", "谢谢，可是还是报错",
    "Gracias, lamentablemente sigue fallando.", "The date is still wrong.", "Obrigado, mas não funcionou.",
    "動いていません。", "标题还是不对", "这不是我要的", "Todavía faltan las traducciones.",
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
    # added with holdout5: questions with a dot inside (versions, file names), negated praise alone
    "Works with Python 3.12 too?", "Is 2.1.0 released with it?", "Was utils.py merged as well?",
    "¿Sirve para Node 18.x?", "Marche aussi sous Debian 12.5 ?", "Funziona con la 1.4?", "Werkt het met v3.0?",
    "完璧じゃないけど", "不太好", "完璧ではありません",
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


def test_negated_praise_is_no_acceptance_but_a_complaint_after_it_is_a_rejection() -> None:
    assert judge("完璧ではないです") is None
    assert judge("完璧ではないです。まだ警告が残っています。") == ("user_rejected", "まだ警告が残って")
    assert judge("不太完美") is None and judge("不太完美，日期还是错的")[0] == "user_rejected"  # type: ignore[index]

"""The words of a user's reply that accept or reject the work, per language, as data (`replies`
reads them).

Rows are regular expressions matched without case. `\\b` does not work for Japanese, Chinese or
Korean (no spaces, or particles glued to words): those rows are plain substrings. Four tables:
- RESOLVED: the problem is gone ("no more errors", "エラーが出なくなりました"). It is read first
  and counts as an acceptance, so the problem word inside it is not read as a rejection.
- REJECT, then ACCEPT: the verdict words. A rejection word in a keep scope ("don't revert", "不用
  回滚") is an instruction, not a verdict; an acceptance word in a negation scope ("not perfect",
  "不太完美", "完璧ではない") is none either (alone it stays unclear: "not perfect yet").
- CONTRAST: the words after which a reply turns ("thanks, but …", "perfect, except …").
"""

from __future__ import annotations

import re

_PRAISE = r"(?:great|perfect|wonderful|awesome|nice|fantastic|brilliant|lovely|amazing|sweet|cool|excellent|beautiful)"
"""Praise that opens a reply: approval, or sarcasm when what broke follows ("great, now it's broken")."""
ACCEPT: dict[str, list[str]] = {
    "en": [r"\bthanks?\b", r"\bthank you\b", r"\bthx\b", r"\bty\b", r"\b(?:it|that|this|everything) works\b",
           r"\bworks (?:now|great|perfectly|fine|for me)\b", r"^works\b", r"\bworking now\b", r"\bperfect\b",
           r"\b(?:great|awesome|excellent|nice) (?:job|work)\b", rf"^{_PRAISE}\b", r"\byay\b", r"🙌",
           r"\blgtm\b", r"\blooks (?:good|great)\b", r"\bship it\b", r"\bmerged\b", r"\bwell done\b",
           r"\bthat (?:fixed|did) it\b", r"\bfixed it\b", r"👍", r"🎉", r"✅", r"🚀", r"\bapproved\b",
           r"\b(?:it|that|this) worked\b", r"\bnailed it\b", r"\bgood job\b", r"\ball good\b",
           r"\b(?:it's|that's|it is|that is) (?:fine|good|great|correct)\b"],
    "de": [r"\bdanke\b", r"\bvielen dank\b", r"\bfunktioniert\b", r"\bklappt\b", r"\bpasst\b", r"\bperfekt\b",
           r"\bsuper\b", r"\bsieht gut aus\b", r"\bgemerged?t?\b", r"\bgemergt\b", r"\bsauber\b",
           r"\bläuft(?: jetzt| wieder)?\b", r"\bgut gemacht\b", r"\bprima\b", r"\bklasse\b"],
    "fr": [r"\bmerci\b", r"\bça marche\b", r"\bca marche\b", r"\bça fonctionne\b", r"\bfonctionne\b",
           r"\bparfait\b", r"\bnickel\b", r"\bgénial\b", r"\bc'est bon\b", r"\bsuper\b", r"\bmergé\b",
           r"\bimpeccable\b", r"\bça roule\b"],
    "es": [r"\bgracias\b", r"\bfunciona\b", r"\bperfecto\b", r"\bgenial\b", r"\bexcelente\b",
           r"\bbuen trabajo\b", r"\blisto\b", r"\bfusionado\b", r"\bfunciona bien\b"],
    "pt": [r"\bobrigad[oa]\b", r"\bfuncionou\b", r"\bfunciona\b", r"\bperfeito\b", r"\bvaleu\b", r"\bótimo\b",
           r"\bbeleza\b"],
    "it": [r"\bgrazie\b", r"\bfunziona\b", r"\bperfetto\b", r"\bottimo\b", r"\bfantastico\b"],
    "ja": [r"ありがとう", r"完璧", r"動きました", r"動いた", r"うまくいきました",
           r"うまくいった", r"助かりました", r"マージしました", r"良さそう", r"いいですね", r"直りました", r"直った",
           r"治りました"],
    "zh": [r"谢谢", r"完美", r"可以了", r"好了", r"解决了", r"搞定", r"没问题了", r"成功了", r"太好了"],
    "ko": [r"감사합니다", r"감사해요", r"고마워", r"고맙습니다", r"완벽", r"잘 ?(?:돼요|됩니다|되네요|작동)",
           r"작동(?:해요|합니다|하네요)", r"됐어요", r"좋아요", r"좋네요", r"해결됐", r"머지했"],
    "ru": [r"\bспасибо\b", r"\bработает\b", r"\bзаработало\b", r"\bотлично\b", r"\bидеально\b", r"\bсупер\b",
           r"\bвыглядит хорошо\b", r"\bв[сc][её] (?:ок|хорошо)\b"],
    "nl": [r"\bbedankt\b", r"\bdank je(?:wel)?\b", r"\bdankjewel\b", r"\bwerkt\b", r"^top\b", r"\bziet er goed uit\b",
           r"\bprima\b"],
}
REJECT: dict[str, list[str]] = {
    "en": [r"^(?:(?:hmm+|h?m+|uh+|um+|ah+|erm|well),?\s+)?(?:no|nope)\b(?! (?:problem|worries|need|hay problema)\b)",
           r"\bwrong\b", r"\brevert(?:ed)?\b",
           r"\broll ?back\b", r"\bundo\b", r"\bthat broke\b", r"\b(?:broke|broken|breaks)\b",
           r"\bdoes(?:n't| not) work\b", r"\bdid(?:n't| not) work\b", r"\bnot working\b",
           r"\bnot what i (?:asked|wanted)\b",
           # "still" + what is wrong: the problem outlived the change ("tests still fail", "CI is still red")
           r"\bstill (?:fails?|failing|failed|broken|wrong|crash(?:es|ing)?|red|missing|there|happening|present"
           r"|throws?|throwing|errors?|erroring|times? out|timing out|hangs?|hanging|flaky|off|empty|null)\b",
           r"\b(?:is|are) missing\b", r"\bi don't think (?:that's|it's|this is) (?:right|correct|it)\b",
           r"\bincorrect\b", r"👎", r"❌", r"\bthat's not right\b", r"\bnot (?:quite )?right\b",
           r"\bsame (?:error|problem|issue)\b", r"\bstill the same\b", r"^not quite\b",
           r"\bstill (?:not|doesn't|does not|isn't|won't) (?:work\w*|fix\w*|right|correct|compil\w*|pass\w*|build\w*"
           r"|run\w*|start\w*|load\w*)\b",
           r"\bstill (?:getting|seeing|having|hitting) (?:the |an? |that |this )?(?:same )?"
           r"(?:error|exception|failure|crash|bug|issue|problem)s?\b",
           r"\b(?:did(?:n't| not)|does(?:n't| not)) (?:fix|solve|help|change anything)\b", r"\b(?:that's|it's) worse\b",
           r"\bnothing works\b", r"\bthat's not (?:it|what i (?:meant|asked|wanted))\b", r"\bnot what i meant\b",
           r"\bput it back\b", r"\bmade it worse\b",
           # sarcasm: praise, then what went wrong ("great, now it's broken", "oh perfect, another error")
           rf"^(?:oh,? )?{_PRAISE}\b[,!.…]*\s+(?:and |so )?now\b[^.!?]*\b(?:broken|broke|breaks|fails?|failing"
           r"|errors?|crash\w*|doesn't work|nothing works)\b",
           rf"^(?:oh,? )?{_PRAISE}\b[,!.…]*\s+(?:another|more|even more) (?:errors?|failures?|bugs?|crash\w*)\b"],
    "de": [r"^nein\b", r"\bfalsch\b",
           r"\b(?:funktioniert|klappt|geht|läuft)(?: es| das)?"
           r"(?: (?:immer noch|noch immer|noch|leider|weiterhin|trotzdem))* nicht\b",
           r"\bgleiche(?:r|n)? fehler\b", r"\brückgängig\b", r"\bkaputt\b", r"\bzurücksetzen\b", r"\bnicht das\b"],
    "fr": [r"^non\b", r"\bfaux\b", r"\bne (?:marche|fonctionne) (?:toujours )?pas\b",
           r"\b(?:marche|fonctionne) pas\b", r"\bannule\b", r"\bannuler\b", r"\breviens en arrière\b",
           r"\bcassé\b", r"\bincorrect\b", r"\bpas ce que je voulais\b", r"\bce n'est pas (?:ça|ce que)\b",
           r"\b(?:ce n'est|c'est) pas bon\b", r"\brecommence\b", r"\btoujours (?:pas|cassé|en erreur|la même erreur)\b",
           r"\bmême erreur\b", r"\bça casse\b"],
    "es": [r"\bno funciona\b", r"\bfalta(?:n)? (?:los|las|el|la|un|una|todavía|aún)\b",
           r"\bincorrecto\b", r"\bestá mal\b", r"\brevierte\b", r"\brevertir\b",
           r"\bdeshaz\w*", r"\bdeshacer\b", r"\broto\b", r"\brompiste\b", r"\bsigue fallando\b",
           r"\bsigue sin funcionar\b", r"\bsigue dando error\b", r"\bmismo error\b", r"\bno sirve\b"],
    "pt": [r"\bnão (?:\w+ )?funcion\w*", r"\berrado\b", r"\breverte\w*", r"\bdesfaz\w*", r"\bquebr(?:ou|ado)\b",
           r"\bainda (?:dá|da|está dando|com) erro\b", r"\bcontinua (?:falhando|dando erro|quebrado)\b"],
    "it": [r"\bnon funziona\b", r"\bsbagliato\b", r"\bannulla\b", r"\bripristina\b", r"\brotto\b",
           r"\btorna indietro\b", r"\bancora (?:errore|rotto)\b"],
    "ja": [r"違う", r"違います", r"動かない", r"動きません", r"壊れ",
           r"元に戻して", r"ダメ", r"だめ", r"間違って", r"失敗して", r"エラーが出", r"同じエラー",
           r"動いて(?:い)?(?:ない|ません)", r"まだ[^、。！!]*?(?:落ち|失敗|残って|エラー|動かな|直って(?:い)?な)",
           r"(?:テスト|CI|ビルド)が(?:また)?落ち"],
    "zh": [r"不对", r"错了", r"不行", r"回滚", r"撤销", r"坏了", r"还是报错", r"又报错",
           r"仍然报错", r"没用", r"改回去",
           r"不是我(?:想要|要|想)的", r"没(?:有)?解决", r"还是(?:错|不对|有问题|失败|报错)"],
    "ko": [r"안 ?돼", r"안 ?됩니다", r"안 ?되네요", r"작동하지 않", r"틀렸", r"아니에요", r"아니요",
           r"(?:에러|오류)가 (?:나|발생)", r"되돌려", r"롤백", r"원래대로"],
    "ru": [r"^нет\b", r"\bне работает\b", r"\bв[сc][её] ещ[её] (?:не|падает|ошибка)\b", r"\bнеправильно\b",
           r"\bне так\b", r"\bоткат\w*", r"\bверни\w*", r"\bсломал\w*", r"\bта же ошибка\b"],
    "nl": [r"^nee\b", r"\bwerkt (?:nog steeds |nog |helaas )?niet\b", r"\bklopt niet\b", r"\bfout\b",
           r"\bdraai\b[^.!?]*\bterug\b", r"\bterugdraaien\b", r"\bkapot\b"],
}
RESOLVED: dict[str, list[str]] = {
    # a problem word under a negation that says it is gone: read first, counted as an acceptance
    "en": [r"\bno more (?:errors?|failures?|failing tests|crash(?:es)?|exceptions?|warnings?|issues?|problems?"
           r"|red)\b", r"\bno longer (?:breaks|broken|fails|failing|crash(?:es|ing)?|errors?|throws|hangs|times out)\b",
           r"\b(?:doesn't|does not|don't|do not|won't|isn't|is not|aren't) (?:break\w*|fail\w*|crash\w*|error\w*"
           r"|broken|throw\w*|hang\w*) any ?more\b", r"\b(?:errors?|crash(?:es)?|failures?) (?:is|are) gone\b"],
    "de": [r"\bkeine? (?:fehler|probleme?|abstürze) mehr\b", r"\b(?:geht|stürzt) nicht mehr kaputt\b"],
    "fr": [r"\bplus d'(?:erreurs?|échecs?)\b", r"\bne (?:plante|casse|échoue) plus\b"],
    "es": [r"\bya no (?:falla|da errores?|hay errores?|se rompe|truena)\b", r"\bsin errores\b"],
    "pt": [r"\bnão (?:dá|da|deu|tem|há) mais (?:erros?|problemas?)\b", r"\bnão (?:quebra|falha) mais\b"],
    "it": [r"\bnon (?:dà|da|ci sono) più errori\b", r"\bnon si rompe più\b"],
    "ja": [r"(?:エラー|例外|警告)が(?:出|で)(?:なく|ない|ません|て(?:い)?ない)",
           r"壊れ(?:て)?(?:い)?(?:ない|ません|なく)", r"落ち(?:なく|ない|ません)"],
    "zh": [r"(?:错误|报错|问题|异常|bug)(?:都|也)?(?:没有了|没了|消失了|不见了)", r"不再(?:报错|出错|崩溃)"],
    "ko": [r"(?:에러|오류)가 (?:안 ?나|없어|사라졌)"],
    "ru": [r"\bбольше нет ошиб\w*", r"\bошиб\w* больше нет\b", r"\bбольше не (?:падает|ломается)\b"],
}
CONTRAST = (r"\b(?:but|however|though|although|except|unfortunately|sadly|aber|jedoch|leider|außer|mais|sauf"
            r"|malheureusement|cependant|pero|sin embargo|excepto|salvo|lamentablemente|desafortunadamente|mas|porém"
            r"|infelizmente|exceto|ma|però|purtroppo|tranne|maar|helaas|но|однако|кроме)\b"
            r"|к сожалению|でも|けど|しかし|ただ|残念|但是|不过|可是|可惜|但|하지만|그런데|근데")
NEGATED = re.compile(
    r"(?:(?:\bnot|n't|\bnicht|\bkein\w*|\bpas|\bno|\bnon|\bnão|\bне|\bniet)\s+|안\s*)(?:\w+\s+)?$"
    r"|(?:不|没|没有|并不|不太|不是很|不够|不怎么|不算)$", re.I
)
"""An acceptance right after a negation ("not perfect", "nicht perfekt", "안 좋아요", "不太完美") is not one."""
NEGATED_AFTER = re.compile(r"^(?:では|じゃ)(?:ない|なかった|ありません)|^(?:하지|하진) ?않")
"""Japanese and Korean negate after the word: "完璧ではない", "완벽하지 않아요"."""

KEEP = re.compile(r"(?:\bdon't|\bdo not|\bno need to|\bnever|\bnicht|\bne pas|\bno)\s+$"
                  r"|(?:不用|不要|别|无需|不需要|没必要)$", re.I)
"""A rejection word after one of these is an instruction to keep ("don't revert that")."""


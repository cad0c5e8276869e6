"""user_accepted / user_rejected from the user's next message, in several languages, conservatively.

Phrases are data, per language. Rejections are read first and cut out, so "doesn't work" is not
also read as "works". Questions say nothing ("does it work?"). A reply with both an acceptance
and a rejection is unclear and gives no signal, unless a contrast word ("but", "aber", "mais",
"pero", "でも") comes after every acceptance and before the rejection: "thanks, but it still
fails" is a rejection. An acceptance followed by a contrast ("great, but keep in mind …") is
unclear too.
"""

from __future__ import annotations

import re

from .observation import Observation, excerpt

# \b does not work for Japanese, Chinese or Korean (no spaces, or particles glued to words): those rows
# are plain substrings.
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
           r"うまくいった", r"助かりました", r"マージしました", r"良さそう", r"いいですね"],
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
           r"\bstill (?:fails|failing|broken|wrong|crashes)\b", r"\bnot what i (?:asked|wanted)\b",
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
    "es": [r"\bno funciona\b", r"\bincorrecto\b", r"\bestá mal\b", r"\brevierte\b", r"\brevertir\b",
           r"\bdeshaz\w*", r"\bdeshacer\b", r"\broto\b", r"\brompiste\b", r"\bsigue fallando\b",
           r"\bsigue sin funcionar\b", r"\bsigue dando error\b", r"\bmismo error\b", r"\bno sirve\b"],
    "pt": [r"\bnão (?:\w+ )?funcion\w*", r"\berrado\b", r"\breverte\w*", r"\bdesfaz\w*", r"\bquebr(?:ou|ado)\b",
           r"\bainda (?:dá|da|está dando|com) erro\b", r"\bcontinua (?:falhando|dando erro|quebrado)\b"],
    "it": [r"\bnon funziona\b", r"\bsbagliato\b", r"\bannulla\b", r"\bripristina\b", r"\brotto\b",
           r"\btorna indietro\b", r"\bancora (?:errore|rotto)\b"],
    "ja": [r"違う", r"違います", r"動かない", r"動きません", r"壊れ",
           r"元に戻して", r"ダメ", r"だめ", r"間違って", r"失敗して", r"エラーが出", r"同じエラー"],
    "zh": [r"不对", r"错了", r"不行", r"回滚", r"撤销", r"坏了", r"还是报错", r"又报错",
           r"仍然报错", r"没用", r"改回去"],
    "ko": [r"안 ?돼", r"안 ?됩니다", r"안 ?되네요", r"작동하지 않", r"틀렸", r"아니에요", r"아니요",
           r"(?:에러|오류)가 (?:나|발생)", r"되돌려", r"롤백", r"원래대로"],
    "ru": [r"^нет\b", r"\bне работает\b", r"\bв[сc][её] ещ[её] (?:не|падает|ошибка)\b", r"\bнеправильно\b",
           r"\bне так\b", r"\bоткат\w*", r"\bверни\w*", r"\bсломал\w*", r"\bта же ошибка\b"],
    "nl": [r"^nee\b", r"\bwerkt (?:nog steeds |nog |helaas )?niet\b", r"\bklopt niet\b", r"\bfout\b",
           r"\bdraai\b[^.!?]*\bterug\b", r"\bterugdraaien\b", r"\bkapot\b"],
}
CONTRAST = (r"\b(?:but|however|though|aber|jedoch|mais|pero|sin embargo|mas|ma|però|maar|но|однако)\b"
            r"|でも|けど|しかし|但是|不过|하지만|그런데|근데")
NEGATED = re.compile(
    r"(?:(?:\bnot|n't|\bnicht|\bkein\w*|\bpas|\bno|\bnon|\bnão|\bне|\bniet)\s+|안\s*)(?:\w+\s+)?$", re.I
)
"""An acceptance right after a negation ("not perfect", "nicht perfekt", "안 좋아요") is not one."""

KEEP = re.compile(r"(?:\bdon't|\bdo not|\bno need to|\bnever|\bnicht|\bne pas|\bno)\s+$", re.I)
"""A rejection word after one of these is an instruction to keep ("don't revert that")."""

_ACCEPT = [re.compile(p, re.I | re.M) for ps in ACCEPT.values() for p in ps]
_REJECT = [re.compile(p, re.I | re.M) for ps in REJECT.values() for p in ps]
_CONTRAST = re.compile(CONTRAST, re.I)
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
MAX_REPLY = 2000
"""A longer reply is a new task, not a verdict on the last one."""


def _hits(patterns: list[re.Pattern[str]], text: str) -> list[re.Match[str]]:
    return [m for p in patterns for m in p.finditer(text)]


def judge(reply: str) -> tuple[str, str] | None:
    """("user_accepted" | "user_rejected", the words that decided it), or None when unclear."""
    if len(reply) > MAX_REPLY:
        return None
    accepts: list[tuple[int, str]] = []
    rejects: list[tuple[int, str]] = []
    for m in _SENTENCE.finditer(reply):
        sentence = m.group(0)
        if sentence.rstrip().endswith(("?", "？")):
            continue
        body = sentence.strip()
        offset = m.start() + (len(sentence) - len(sentence.lstrip()))
        found = [r for r in _hits(_REJECT, body) if not KEEP.search(body[: r.start()])]
        rejects += [(offset + r.start(), r.group(0)) for r in found]
        for r in found:  # cut rejections out, keeping offsets
            body = body[: r.start()] + " " * (r.end() - r.start()) + body[r.end():]
        accepts += [(offset + a.start(), a.group(0)) for a in _hits(_ACCEPT, body)
                    if not NEGATED.search(body[: a.start()])]
    if accepts and rejects:
        last_accept, first_reject = max(p for p, _ in accepts), min(p for p, _ in rejects)
        turn = [c.start() for c in _CONTRAST.finditer(reply) if last_accept < c.start() < first_reject]
        if not turn:
            return None
        accepts = []
    elif accepts and any(c.start() > min(accepts)[0] for c in _CONTRAST.finditer(reply)):
        return None  # "great, but keep in mind …": approval with a reservation
    if rejects:
        return "user_rejected", min(rejects)[1]
    if accepts:
        return "user_accepted", min(accepts)[1]
    return None


def detect_reply(reply: str | None) -> list[Observation]:
    if not reply or not reply.strip():
        return []
    verdict = judge(reply)
    if verdict is None:
        return []
    name, words = verdict
    return [Observation(name, excerpt(words), "user reply", "reply")]

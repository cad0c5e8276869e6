"""Built-in PII and secret rules, as data. The engine knows no type by name.

Order is priority: where two rules match overlapping text, the earlier one wins, so specific
provider keys come before generic assignments and URLs before emails. `scrub.disable` takes
the type names below. All are on by default.

| type                | placeholder          | what                                                    |
|---------------------|----------------------|---------------------------------------------------------|
| private_key         | `<PRIVATE_KEY>`      | PEM/OpenSSH/PGP private key blocks, also `\\n`-escaped;  |
|                     |                      | SSH2 (`---- BEGIN SSH2 …`) and PuTTY `.ppk` keys; base64 |
|                     |                      | of a PEM block (`LS0tLS1CRUdJTi…`)                       |
| jwt                 | `<JWT>`              | `eyJ….eyJ…[.sig]` whose header decodes to JSON           |
| anthropic_key       | `<API_KEY>`          | `sk-ant-…`                                              |
| api_key             | `<API_KEY>`          | OpenAI `sk-…`, `sk-proj-…` (the seed's type)             |
| aws_access_key      | `<AWS_ACCESS_KEY>`   | `AKIA…`, `ASIA…` key ids                                 |
| aws_secret_key      | `<AWS_SECRET_KEY>`   | 40-char secret next to an `aws…secret/key` name          |
| github_token        | `<GITHUB_TOKEN>`     | `ghp_ gho_ ghu_ ghs_ ghr_ github_pat_`                   |
| gitlab_token        | `<GITLAB_TOKEN>`     | `glpat-` and other `gl…-` tokens, runner `GR1348941`     |
| slack_webhook       | `<SLACK_WEBHOOK>`    | `hooks.slack.com/services|workflows|triggers/…`, any or  |
|                     |                      | no scheme                                                |
| slack_token         | `<SLACK_TOKEN>`      | `xoxb- xoxp- xoxa- xoxr- xoxs- xoxe- xoxc- xoxd- xapp-`  |
| stripe_key          | `<STRIPE_KEY>`       | `sk_live_ rk_live_ pk_live_` (and `_test_`)              |
| google_api_key      | `<GOOGLE_API_KEY>`   | `AIza…`, OAuth `GOCSPX-…`, `ya29.` access tokens         |
| twilio_key          | `<TWILIO_KEY>`       | `SK…`/`AC…` + 32 hex                                     |
| sendgrid_key        | `<SENDGRID_KEY>`     | `SG.….…`                                                 |
| npm_token           | `<NPM_TOKEN>`        | `npm_…`                                                  |
| pypi_token          | `<PYPI_TOKEN>`       | `pypi-Ag…`                                               |
| huggingface_token   | `<HF_TOKEN>`         | `hf_…`, `api_org_…`                                      |
| provider_token      | `<API_KEY>`          | other prefixed keys: Shopify, DigitalOcean, Databricks,  |
|                     |                      | Vault, Grafana, Linear, Postman, Doppler, New Relic,      |
|                     |                      | Sentry, age, Telegram, Mailgun, Square, Azure AD, Docker, |
|                     |                      | Discord bots, Atlassian, Heroku, Alibaba, Meta, Groq,     |
|                     |                      | Perplexity, xAI, RubyGems, NuGet, Mailchimp, Terraform,   |
|                     |                      | 1Password, Notion, Dropbox and ~30 more gitleaks shapes   |
| webhook_url         | `<WEBHOOK>`          | Discord and Teams (`webhook.office.com`, `outlook`) URLs |
| url_credentials     | `<REDACTED>`         | the password in `scheme://user:PASSWORD@host`            |
| auth_header         | `<SECRET>`           | `Authorization: Bearer/Basic/Token …`, bare `Bearer …`   |
| password            | `<REDACTED>`         | values of password/passwd/pwd/pw/passphrase names;       |
|                     |                      | commands.py: flags of ~35 tools in shell lines and in    |
|                     |                      | argument lists in code, positional passwords, secret-    |
|                     |                      | store values; syntaxes.py: `.netrc`, `.pgpass`, Oracle   |
|                     |                      | `u/p@db`; calls.py: setters, constructors, comparisons;  |
|                     |                      | `htpasswd -b`; sql.py: `IDENTIFIED BY`,                  |
|                     |                      | `PASSWORD '…'`, INSERT into password columns; protocols.py:|
|                     |                      | Go DSNs; prose in many languages (prose.py)              |
| secret              | `<SECRET>`           | values of secret/api_key/credential names; of            |
|                     |                      | token/key/auth/session names only when random; signed-URL|
|                     |                      | `sig=`, `X-Amz-Signature=`, `X-Amz-Security-Token=`;     |
|                     |                      | Terraform defaults; fallbacks.py: env-lookup defaults;   |
|                     |                      | protocols.py: client headers, JSON-RPC logins, `Id=` of  |
|                     |                      | `Id=…;Secret=`; contexts.py: session cookies, JWK        |
|                     |                      | private members, Kubernetes Secret data, random          |
|                     |                      | constants, `<add key value>`, log lines and prose        |
| home_path           | `~/`, `~`            | the user name in `/home/…/`, `/Users/…/`, `C:\\Users\\…\\`  |
|                     |                      | (generic names such as `user`, `runner` are kept)        |
| email               | `<EMAIL>`            | addresses, incl. plus-addressing, `mailto:`, `<…>`,      |
|                     |                      | internationalised; `.rs/.md/.py/.zip` only after a mail  |
|                     |                      | word or inside `<…>`                                     |
| credit_card         | `<CREDIT_CARD>`      | 13-19 digits, Luhn, issuer prefix, plain/spaced/dashed/  |
|                     |                      | dotted; 12-19 digits, any issuer, after "card"/"visa"…   |
| iban                | `<IBAN>`             | mod-97 and country length checked (python-stdnum), any   |
|                     |                      | case, spaces, dashes or slashes                          |
| ssn                 | `<SSN>`              | US SSN with separators, or bare 9 digits after "SSN"     |
| phone               | `<PHONE>`            | E.164/international, NANP, national EU/Indian forms (phonenumbers) |
|                     |                      | any 7-15 digit number next to a label (Phone:, Fax, …)   |
| ip_address          | `<IP_ADDRESS>`       | public IPv4 and IPv6 (private, loopback, link-local,     |
|                     |                      | documentation ranges and network addresses kept)         |

Every catalog pass runs on a view of the text with look-alike separators made plain and invisible
characters dropped (view.py), and every other copy of a value judged secret by its context is
replaced too. What is a placeholder (templates, `…EXAMPLE`, filler, words) is decided once, in
validators.py, for this catalog and for the export's re-check (detect.py).

A pattern's `value` group is the only span replaced, so `password = "<REDACTED>"` keeps its key
and quotes. Patterns use `[0-9]` rather than `\\d` (Unicode digit classes are ~4x slower) and
start at a literal where they can, named in `anchors`: the engine finds the anchors of all rules
in one pass and tries each pattern only there (a scan per rule cost ~1.5 ms per 2 MB each).
"""

from __future__ import annotations

import base64
import binascii

from . import assign, calls, commands, contexts, fallbacks, personal, prose, protocols, providers, sql, syntaxes
from . import validators as v
from .rule import Rule

_B, _E, _each, _keys = providers.B, providers.E, providers.each, providers.keys


def _auth_value(value: str) -> bool:
    """Basic credentials decode to `user:pass`; anything else must look random."""
    if not v.placeholder(value):
        try:
            decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
            if ":" in decoded and decoded.isprintable():
                return True
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    return v.random_token(value, min_len=10, min_entropy=2.8) or value.startswith("eyJ")


def _pem_body(value: str) -> bool:
    body = value.split("-----", 2)[-1]
    return sum(c.isalnum() or c in "+/" for c in body) >= 32 and "..." not in body[:64]


def _url_password(value: str) -> bool:
    # Templates and placeholders stay (`${DB_PASS}`, `<password>`, `%s`, `****`, `secret`).
    return not (
        value.startswith(("$", "<", "{", "%")) or set(value) <= set("*x•X.") or value == ":" or v.placeholder(value)
    )





CATALOG: list[Rule] = [
    Rule(
        "private_key",
        # Neither the search for the END line nor the bare body runs past the next `-----`
        # (another header): each header then costs the text up to the next, not 40,000 characters,
        # so repeated headers without an end marker stay linear.
        # Anchored on `beg`, the dashes before it the `lead`: runs of dashes (`# -----…`) are
        # common, `BEG` after five of them is not. Not `begin`: under (?i) `İ` matches `i`.
        r"(?i)(?<=(?P<lead>-----))BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
        r"(?:(?:(?!-----)[\s\S]){0,40000}?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
        r"|(?:(?!-----)(?:\\[nr]|[\s\"'+,]|[A-Za-z0-9+/=:-])){32,40000}+)",
        "<PRIVATE_KEY>",
        validator=_pem_body,
        anchors=("beg",),
        reach=100_000,
    ),
    Rule(
        "private_key",
        # SSH2 (RFC 4716, `ssh.com`/Tectia) keys: four dashes and spaces, headers before the body.
        r"(?<=(?P<lead>---- ))BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
        r"[\s\S]{0,40000}?---- END SSH2 ENCRYPTED PRIVATE KEY ----",
        "<PRIVATE_KEY>",
        validator=lambda s: _pem_body("-----" + s.split("----", 2)[-1].rsplit("---- END", 1)[0]),
        anchors=("beg",),
        reach=100_000,
    ),
    Rule(
        "private_key",
        # PuTTY .ppk: from the header through the private lines (and their MAC).
        r"PuTTY-User-Key-File-[0-9]:[^\n]{0,200}(?:\r?\n[A-Za-z-]{1,40}:[^\n]{0,200}){0,6}"
        r"(?:\r?\n[A-Za-z0-9+/=]{1,200}(?![^\r\n])){0,400}\r?\nPrivate-Lines:[ \t]*[0-9]+"
        r"(?:\r?\n[A-Za-z0-9+/=]{1,200}(?![^\r\n]))+"
        r"(?:\r?\nPrivate-(?:MAC|Hash):[ \t]*[0-9a-fA-F]+)?",
        "<PRIVATE_KEY>",
        validator=lambda s: len(s.split("Private-Lines:", 1)[-1]) >= 40,
        anchors=("putty-user-key-file-",),
        reach=100_000,
    ),
    Rule(
        "private_key",
        # base64 of a PEM block (`LS0tLS1CRUdJTi…` is `-----BEGIN`): Kubernetes secrets, JSON configs.
        _B + r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])",
        "<PRIVATE_KEY>",
        validator=lambda s: "UFJJVkFURSBLRV" in s or "BSSVZBVEUgS0VZ" in s or "QUklWQVRFIEtFW" in s,
        anchors=("ls0tls1crudjti",),
    ),
    Rule(
        "jwt",
        # The signature may be missing (`alg: none`, a token cut at the second dot).
        _B + r"eyJ[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?" + _E,
        "<JWT>",
        validator=v.jwt,
        anchors=("eyj",),
    ),
    Rule(
        "anthropic_key",
        _B + r"sk-ant-[A-Za-z0-9_-]{20,}" + _E,
        "<API_KEY>",
        validator=v.key_token,
        anchors=("sk-ant-",),
    ),
    Rule(
        "api_key",
        _B + r"sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}" + _E,
        "<API_KEY>",
        # The seed's own pattern is sk- + 32 alphanumerics, unconditionally: at that length the
        # prefix alone is evidence enough, so only placeholders (sk-xxxx…, one repeated char) survive.
        validator=lambda s: (v.key_token(s) and v.entropy(s) > 3.0)
        or (len(s) >= 35 and not v.template(s) and len(set(s[3:])) >= 3),
        anchors=("sk-",),
    ),
    Rule(
        "aws_access_key",
        # Real ids are base32 ([A-Z2-7]), but scanners' fixtures and hand-made keys use any digit;
        # the prefix + 16 upper-case alphanumerics is specific enough to take them all. AWS's
        # documented `…EXAMPLE` ids and filler (`AKIAXXXXXXXXXXXXXXXX`) stay, as in gitleaks.
        r"(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        "<AWS_ACCESS_KEY>",
        validator=lambda s: not s.endswith("EXAMPLE") and len(set(s[4:])) >= 4,
        anchors=("a3t", "akia", "asia", "abia", "acca"),
    ),
    Rule(
        "aws_secret_key",
        # Anchored on `secret`/`key` (hits the `secret` rule finds anyway) with `aws` behind.
        r"(?i)(?<=(?<![A-Za-z0-9])aws[\w.-]{0,30})(?:secret|key)[\w.-]{0,30}[\"'\]]{0,2}"
        r"[ \t]*(?::=|=>|[:=,]|[ \t])[ \t]*[\"']?(?P<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        "<AWS_SECRET_KEY>",
        validator=lambda s: v.random_token(s, 40, 3.5),
        anchors=("secret", "key"),
    ),
    *_keys(
        "github_token",
        "<GITHUB_TOKEN>",
        (r"gh[pousr]_[A-Za-z0-9]{36,255}", _each("gh", "p o u s r", "_")),
        (r"github_pat_[A-Za-z0-9_]{50,255}", ("github_pat_",)),
    ),
    *_keys(
        "gitlab_token",
        "<GITLAB_TOKEN>",
        (
            r"gl(?:pat|dt|ptt|rt|soat|cbt|oas|ft|imt|agent|wt|ffct)-[A-Za-z0-9_-]{20,}",
            _each("gl", "pat dt ptt rt soat cbt oas ft imt agent wt ffct", "-"),
        ),
        (r"GR1348941[A-Za-z0-9_-]{20,}", ("gr1348941",)),
    ),
    Rule(
        "slack_webhook",
        # With https, http or no scheme at all (`hooks.slack.com/services/…` pasted from a config).
        r"(?<=(?<![\w.-])(?P<lead>https?://)?)hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}",
        "<SLACK_WEBHOOK>",
        validator=lambda s: v.key_token(s.rsplit("/", 3)[-1] if s.count("/") > 3 else s, 8) or len(s) > 60,
        anchors=("hooks.slack.com/",),
    ),
    *_keys(
        "slack_token",
        "<SLACK_TOKEN>",
        (r"xox(?:[abposer]|e\.xox[bp])-[A-Za-z0-9-]{10,}", ("xox",)),
        # Browser-session tokens: xoxc- (client) and xoxd- (the `d` cookie, URL-encoded).
        (r"xox[cd]-[A-Za-z0-9%/+=-]{20,}", ("xoxc-", "xoxd-")),
        (r"xapp-[A-Za-z0-9-]{10,}", ("xapp-",)),
        validator=v.slack_token,
    ),
    *_keys(
        "stripe_key",
        "<STRIPE_KEY>",
        (r"[srp]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}", _each("", "sk_ rk_ pk_")),
    ),
    *_keys(
        "google_api_key",
        "<GOOGLE_API_KEY>",
        (r"AIza[A-Za-z0-9_-]{35}", ("aiza",)),
        (r"GOCSPX-[A-Za-z0-9_-]{28}", ("gocspx-",)),
        (r"ya29\.[A-Za-z0-9_-]{20,}", ("ya29.",)),
    ),
    # Two-letter prefixes (`sk`, `ac` in any case) are in too many words to be worth anchoring.
    *_keys("twilio_key", "<TWILIO_KEY>", (r"SK[0-9a-fA-F]{32}", ()), (r"AC[0-9a-fA-F]{32}", ())),
    *_keys("sendgrid_key", "<SENDGRID_KEY>", (r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", ("sg.",))),
    *_keys("npm_token", "<NPM_TOKEN>", (r"npm_[A-Za-z0-9]{36}", ("npm_",))),
    *_keys("pypi_token", "<PYPI_TOKEN>", (r"pypi-Ag[A-Za-z0-9_-]{50,}", ("pypi-ag",))),
    *_keys(
        "huggingface_token",
        "<HF_TOKEN>",
        (r"hf_[A-Za-z0-9]{30,40}", ("hf_",)),
        (r"api_org_[A-Za-z0-9]{30,40}", ("api_org_",)),
        validator=lambda s: v.key_token(s) and v.entropy(s) > 3.5,
    ),
    *providers.PROVIDER_TOKENS,
    *_keys(
        "webhook_url",
        "<WEBHOOK>",
        (
            r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{20,}",
            _each("https://", "discord ptb.discord canary.discord"),
        ),
        (
            r"(?<=(?P<lead>https://[a-z0-9-]{1,63}))\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{40,}",
            (".webhook.office.com/webhookb2/",),
        ),
        (
            r"(?<=(?P<lead>https://))outlook\.office(?:365)?\.com/webhook/[A-Za-z0-9@/_-]{40,}",
            ("outlook.office.com/webhook/", "outlook.office365.com/webhook/"),
        ),
        bound=False,
    ),
    Rule(
        "url_credentials",
        r"(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30})://[^\s:@/?#\"'<>]{0,128}:"
        # The password runs to the last `@` before the host: `mongodb+srv://u:Zx@12)@cluster0…`.
        r"(?P<value>[^\s/?\"'<>]{1,256})@(?=[A-Za-z0-9\[_/-])",
        "<REDACTED>",
        validator=_url_password,
        anchors=("://",),
    ),
    Rule(
        "secret",
        # Signed URLs: an Azure SAS `sig=`, AWS/GCS presigned signatures and the STS session token
        # that rides along. Only the value is replaced; the URL stays readable.
        r"(?<=[?&])(?:sig|X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature)=(?P<value>[A-Za-z0-9%+/=_.-]{20,})",
        "<SECRET>",
        validator=lambda s: v.key_token(s) and v.entropy(s) > 3.0,
        anchors=("sig", "x-amz-s", "x-goog-signature"),
    ),
    Rule(
        "auth_header",
        # Any scheme (`Bearer`, `Api-Token`, `SSWS`, …) or none: the header holds a credential.
        r"(?i)(?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:[A-Za-z][A-Za-z0-9_-]{1,20}[ \t]+)?"
        r"(?P<value>[A-Za-z0-9._~+/=:%-]{6,})",
        "<SECRET>",
        validator=_auth_value,
        anchors=("authorization",),
    ),
    Rule(
        "auth_header",
        r"(?i)(?:bearer|basic):?[ \t]+(?P<value>[A-Za-z0-9._~+/%-]{12,}=*)(?![A-Za-z0-9._~+/=%-])",
        "<SECRET>",
        validator=_auth_value,
        anchors=("bearer", "basic"),
    ),
    Rule(
        "password",
        # `pw` only where a name ends in it (`DB_PW=`, `"admin_pw":`, `pw: `): as a bare anchor it
        # starts many words.
        assign.pattern("pass|pwd|psk|_pw(?![A-Za-z0-9])|pw(?=[: ])"),
        "<REDACTED>",
        check=assign.check_password,
        anchors=("pass", "pwd", "psk", "_pw", "pw:", "pw "),
        reach=4200,
    ),
    *(r for f in commands.FAMILIES for r in f.rules),
    *(r for f in syntaxes.FAMILIES for r in f.rules),
    *(r for f in calls.FAMILIES for r in f.rules),
    *(r for f in sql.FAMILIES for r in f.rules),
    *(r for f in fallbacks.FAMILIES for r in f.rules),
    *(r for f in protocols.FAMILIES for r in f.rules),
    *(r for f in prose.FAMILIES for r in f.rules),
    Rule(
        "password",
        # htpasswd -b[c…] FILE USER PASSWORD (the batch form takes the password as an argument)
        r"htpasswd[ \t]+(?:-[A-Za-z]+[ \t]+)*?-[A-Za-z]*b[A-Za-z]*[ \t]+(?:-[A-Za-z]+[ \t]+)*"
        r"[^\s-][^\s]*[ \t]+[^\s]+[ \t]+[\"']?(?P<value>[^\s'\"]+)",
        "<REDACTED>",
        validator=lambda s: not v.placeholder(s) and not s.startswith("$"),
        anchors=("htpasswd",),
    ),
    Rule(
        "secret",
        assign.pattern("secret|token|key|auth|credential|sess"),
        "<SECRET>",
        check=assign.check_secret,
        anchors=("secret", "token", "key", "auth", "credential", "sess"),
        reach=4200,
    ),
    *(r for f in contexts.FAMILIES for r in f.rules),
    *personal.RULES,
]

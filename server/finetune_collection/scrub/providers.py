"""Provider token shapes (the gitleaks/trufflehog families): a prefix or a fixed structure is
evidence enough, so these rules need no name in front of a token. One rule per provider: a rule
without anchors scans, and the regex module finds a single leading literal fast, but an
alternation of literals makes it try every position.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from . import validators as v
from .rule import Rule

# Token start: not inside a longer word, but after `_`, `-` or a %-escape, where tools join an id
# or a name to a token (`call_sk-proj-…`, `fn_ghp_…`, `%2Fsk-…`) and the token is still whole.
B = r"(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))"
# Token end; not the hash in an asset's file name (`video_box.ico-7a38….png`).
E = r"(?![A-Za-z0-9_-]|\.(?:png|jpe?g|gif|svg|css|js|ico|webp|woff2?|map|html?)(?![A-Za-z0-9]))"


def keys(
    type: str,
    placeholder: str,
    *patterns: tuple[str, tuple[str, ...]],
    validator: Callable[[str], bool] = v.key_token,
    bound: bool = True,
) -> list[Rule]:
    """One rule per (pattern, anchors), all of one type; `bound` adds token boundaries. The
    anchors are the literals the pattern starts with, lower-cased (see `Rule`)."""
    return [
        Rule(type, (B + p + E) if bound else p + E, placeholder, validator=validator, anchors=anchors)
        for p, anchors in patterns
    ]


def each(head: str, alternatives: str, tail: str = "") -> tuple[str, ...]:
    """Anchors for a prefix with alternatives: `each("gh", "p o u s r", "_")` is ghp_ … ghr_."""
    return tuple(head + alt + tail for alt in alternatives.split())


def _discord_id(segment: str) -> bool:
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return False
    return 17 <= len(decoded) <= 20 and decoded.isdigit()


# Base64 of ASCII digits: every 4 characters are [MNO] [DTjz] [AEIMQUYcgk] [w-z0-5], so a Discord
# token's characters 2-5 are one of these 1200 literals, which ordinary text almost never holds.
_DISCORD_ANCHORS = tuple(a + b + c + d for a in "dtjz" for b in "aeimquycgk" for c in "wxyz012345" for d in "mno")


PROVIDER_TOKENS: list[Rule] = [
    *keys(
        "provider_token",
        "<API_KEY>",
        (r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", ("shp",)),  # Shopify
        (r"do[por]_v1_[a-f0-9]{64}", each("do", "p o r", "_v1_")),  # DigitalOcean
        (r"dapi[a-f0-9]{32}(?:-[0-9])?", ("dapi",)),  # Databricks
        (r"hv[sb]\.[A-Za-z0-9_-]{24,}", ("hvs.", "hvb.")),  # HashiCorp Vault
        (r"gl(?:sa|c)_[A-Za-z0-9_=+/-]{32,}", ("glsa_", "glc_")),  # Grafana
        (r"lin_api_[A-Za-z0-9]{40}", ("lin_api_",)),  # Linear
        (r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", ("pmak-",)),  # Postman
        (r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}", ("dp.",)),  # Doppler
        (r"NRAK-[A-Z0-9]{27}", ("nrak-",)),  # New Relic
        (r"sntry[su]_[A-Za-z0-9_=+/-]{30,}", ("sntry",)),  # Sentry: sntrys_ (org), sntryu_ (user)
        (r"AGE-SECRET-KEY-1[0-9A-Z]{58}", ("age-secret-key-1",)),  # age
        (r"key-[0-9a-f]{32}", ("key-",)),  # Mailgun
        (r"sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}", ("sq0",)),  # Square
        (r"pul-[a-f0-9]{40}", ("pul-",)),  # Pulumi
        (r"sbp_[a-f0-9]{40}", ("sbp_",)),  # Supabase
        (r"dckr_pat_[A-Za-z0-9_-]{27}", ("dckr_pat_",)),  # Docker Hub
        (r"fo1_[A-Za-z0-9_-]{43}", ("fo1_",)),  # Fly.io
        # Matched from their middle literal; `lead` extends the replaced span backwards. Azure's
        # `Q~` is too short to anchor on: that rule scans.
        (r"(?<=(?<![A-Za-z0-9_~.-])(?P<lead>[A-Za-z0-9_~.]{3}[0-9]))Q~[A-Za-z0-9_~.-]{31,34}", ()),  # Azure AD
        (r"(?<=(?<![0-9A-Za-z])(?P<lead>[0-9]{5,16})):AA[A-Za-z0-9_-]{32,34}", (":aa",)),  # Telegram bot
        # Middle or trailing literals, the rest of the token is the `lead`.
        (r"(?<=(?<![A-Za-z0-9])(?P<lead>[a-z0-9]{14}))\.atlasv1\.[A-Za-z0-9_=-]{60,70}", (".atlasv1.",)),  # Terraform
        (r"(?<=(?<![A-Za-z0-9_])(?P<lead>[A-Za-z0-9]{6}_[A-Za-z0-9]{29}))_mmk", ("_mmk",)),  # MaxMind
        (r"(?<=(?<![A-Za-z0-9])(?P<lead>[a-f0-9]{32}))-us[0-9]{1,2}", ("-us",)),  # Mailchimp
        (r"(?<=(?<![A-Za-z0-9])(?P<lead>eu01xx[a-f0-9]{30}|[a-f0-9]{36}))NRAL", ("nral",)),  # New Relic license
        bound=False,
    ),
    *keys(
        "provider_token",
        "<API_KEY>",
        (r"pplx-[A-Za-z0-9]{48}", ("pplx-",)),  # Perplexity
        (r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}", ("tvly-",)),  # Tavily
        (r"jina_[a-f0-9]{32}[A-Za-z0-9]{28}", ("jina_",)),  # Jina AI
        (r"gsk_[A-Za-z0-9]{52}", ("gsk_",)),  # Groq
        (r"xai-[A-Za-z0-9]{80}", ("xai-",)),  # xAI
        (r"r8_[A-Za-z0-9]{37}", ("r8_",)),  # Replicate
        (r"pcsk_[A-Za-z0-9_]{50,}", ("pcsk_",)),  # Pinecone
        (r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}", ("lsv2_",)),  # LangSmith
        (r"rubygems_[a-f0-9]{48}", ("rubygems_",)),  # RubyGems
        (r"CLOJARS_[a-z0-9]{60}", ("clojars_",)),  # Clojars
        (r"oy2[a-z0-9]{43}", ("oy2",)),  # NuGet
        (r"EAA[A-Z][A-Za-z0-9_-]{60,400}", ("eaa",)),  # Square access token, Facebook/Meta tokens
        (r"HRKU-AA[A-Za-z0-9_-]{58}", ("hrku-",)),  # Heroku
        (r"LTAI[A-Za-z0-9]{20}", ("ltai",)),  # Alibaba Cloud
        (r"NRJS-[a-f0-9]{19}", ("nrjs-",)),  # New Relic browser
        (r"NRII-[A-Za-z0-9-]{32}", ("nrii-",)),  # New Relic insert
        (r"whsec_[A-Za-z0-9+/=]{32,}", ("whsec_",)),  # Stripe/Svix webhook signing secret
        (r"ATATT3[A-Za-z0-9_=-]{186}", ("atatt3",)),  # Atlassian API token
        (r"ATBB[A-Za-z0-9_=.-]{32,}", ("atbb",)),  # Bitbucket app password
        (r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}", ("pat",)),  # Airtable
        (r"CFPAT-[A-Za-z0-9_-]{43}", ("cfpat-",)),  # Contentful
        (r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", ("dt0c01.",)),  # Dynatrace
        (r"EZ[AT]K[A-Za-z0-9]{54}", ("ezak", "eztk")),  # EasyPost
        (r"duffel_(?:test|live)_[A-Za-z0-9_=-]{43}", ("duffel_",)),  # Duffel
        (r"FLW(?:PUBK|SECK)(?:_TEST)?-[a-fA-F0-9]{32}-X", ("flwpubk", "flwseck")),  # Flutterwave
        (r"fio-u-[A-Za-z0-9_=-]{64}", ("fio-u-",)),  # Frame.io
        (r"[ps]k\.eyJ1Ijoi[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]{20,}", ("pk.eyj1ijoi", "sk.eyj1ijoi")),  # Mapbox
        (r"sha256~[A-Za-z0-9_-]{43}", ("sha256~",)),  # OpenShift
        (r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}", ("pscale_",)),  # PlanetScale
        (r"pnu_[A-Za-z0-9]{36}", ("pnu_",)),  # Prefect
        (r"rdme_[a-z0-9]{70}", ("rdme_",)),  # ReadMe
        (r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}", ("xkeysib-",)),  # Brevo/Sendinblue
        (r"shippo_(?:live|test)_[a-f0-9]{40}", ("shippo_",)),  # Shippo
        (r"tfp_[A-Za-z0-9_.=-]{59}", ("tfp_",)),  # Typeform
        (r"ntn_[0-9]{11}[A-Za-z0-9]{35}", ("ntn_",)),  # Notion
        (r"secret_[A-Za-z0-9]{43}", ("secret_",)),  # Notion (legacy integration token)
        (r"ops_eyJ[A-Za-z0-9+/_=-]{100,}", ("ops_eyj",)),  # 1Password service account
        (r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})(?:-[A-Z0-9]{5}){3}", ("a3-",)),  # 1Password
        (r"sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}", ("sgp_",)),  # Sourcegraph
        (r"ico-[A-Za-z0-9]{32}", ("ico-",)),  # Infracost
        (r"API-[A-Z0-9]{26}", ("api-",)),  # Octopus Deploy
        (r"s-s4t2(?:ud|af)-[a-f0-9]{64}", ("s-s4t2",)),  # 42 intra
        (r"tk-us-[A-Za-z0-9_-]{48}", ("tk-us-",)),  # Scalingo
        (r"sl\.[A-Za-z0-9_=-]{130,152}", ("sl.",)),  # Dropbox
        (r"pat\.[A-Za-z0-9_-]{22}\.[0-9a-f]{24}\.[A-Za-z0-9]{20}", ("pat.",)),  # Harness
        (r"(?:live|test)_(?:pub_[a-f0-9]{31}|[a-f0-9]{35})", ("live_", "test_")),  # Lob
        (r"AKCp[A-Za-z0-9]{69}", ("akcp",)),  # JFrog Artifactory API key
        (r"cmVmd[A-Za-z0-9]{59}", ("cmvmd",)),  # JFrog reference token
        (r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}", ("v1.0-",)),  # Cloudflare origin CA
        (r"dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}", ("dnkey-",)),  # Defined Networking
        (r"p8e-[A-Za-z0-9]{32}", ("p8e-",)),  # Adobe
        (r"eyJrIjoi[A-Za-z0-9]{60,400}={0,2}", ("eyjrijoi",)),  # Grafana API key
        (r"AQVN[A-Za-z0-9_-]{35,38}", ("aqvn",)),  # Yandex
        (r"tskey-[a-z]{0,8}-?[A-Za-z0-9]{8,}-[A-Za-z0-9]{10,}", ("tskey-",)),  # Tailscale
        (r"nfp_[A-Za-z0-9]{36}", ("nfp_",)),  # Netlify
        (r"rnd_[A-Za-z0-9]{32}", ("rnd_",)),  # Render
        (r"figd_[A-Za-z0-9_-]{40}", ("figd_",)),  # Figma
        (r"phx_[A-Za-z0-9]{43}", ("phx_",)),  # PostHog personal key
        (r"sb_secret_[A-Za-z0-9_-]{31}", ("sb_secret_",)),  # Supabase
        (r"bkua_[a-f0-9]{40}", ("bkua_",)),  # Buildkite
        (r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}", ("ccipat_",)),  # CircleCI
        (r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}", ("re_",)),  # Resend
        (r"1//0[A-Za-z0-9_-]{40,}", ("1//0",)),  # Google OAuth refresh token
        (r"A{20,24}[A-Za-z0-9%]{30,}(?:%3D|%2B|%2F)[A-Za-z0-9%]{10,}", ("aaaaaaaaaaaaaaaaaaaa",)),  # X/Twitter bearer
        validator=lambda s: v.key_token(s) and v.entropy(s) > 3.0,
    ),
    Rule(
        "provider_token",
        # Discord bot token: base64 of the bot's numeric id, a timestamp, an HMAC. Base64 of ASCII
        # digits has a fixed shape (`_DISCORD_ANCHORS`), so the rule is anchored on the token's
        # characters 2-5 with the first as the `lead`; the id must also decode to digits.
        r"(?<=(?<![A-Za-z0-9_.-])(?P<lead>[MNO]))[DTjz][AEIMQUYcgk][w-z0-5][A-Za-z0-9_-]{20,24}"
        r"\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_.-])",
        "<API_KEY>",
        validator=lambda s: _discord_id(s.split(".", 1)[0]),
        anchors=_DISCORD_ANCHORS,
    ),
]

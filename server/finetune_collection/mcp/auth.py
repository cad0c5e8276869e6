"""Who may call the team server, checked by the SDK: a `TokenVerifier` and the start-up policy.

`Verifier.verify_token` is what the SDK's bearer middleware calls for every request:
- `ftc_…` tokens made by `finetune token add` are looked up in the tokens file (credentials.py);
  the caller is the token's name;
- with `server.jwt` configured, any other token is a JWT from the identity provider, checked with
  PyJWT against the provider's JWKS: signature, expiry, issuer and audience; the caller is its
  `sub` (or `server.jwt.identity_claim`).
A token that fails is `None`, and the SDK answers 401 with `WWW-Authenticate: Bearer …`. Why a
token failed goes to the log at INFO, without the token.

PyJWT (with its crypto extra) comes with the pinned `mcp` package, which uses it itself.

`require_auth` is the start-up policy: a server that would answer anyone does not start. On a
non-loopback address that means no tokens and no JWT settings; on loopback the same, unless
`--no-auth` is given for single-user local use.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

import anyio.to_thread
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings

from .. import config as config_mod
from ..errors import ConfigError
from .credentials import PREFIX, TokensFile, tokens_path

log = logging.getLogger("finetune_collection.auth")

# Refuse a JWT signed with an HMAC secret or no signature at all: the keys come from a JWKS.
ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
LEEWAY_SECONDS = 30  # clock skew between the provider and this server


class JwtVerifier:
    """JWTs from one identity provider, keys fetched from its JWKS URL (cached by PyJWT)."""

    def __init__(self, settings: config_mod.JwtSettings) -> None:
        import jwt

        bad = sorted(set(settings.algorithms) - ASYMMETRIC)
        if bad:
            raise ConfigError(
                f"server.jwt.algorithms: {', '.join(bad)} not allowed; use public-key algorithms "
                f"({', '.join(sorted(ASYMMETRIC))}), whose keys the JWKS URL publishes"
            )
        self.settings = settings
        self.keys = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300, timeout=10)

    def verify(self, token: str) -> AccessToken | None:
        """Blocking (the JWKS may be fetched): called in a worker thread."""
        import jwt

        s = self.settings
        try:
            key = self.keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=s.algorithms, audience=s.audience, issuer=s.issuer,
                leeway=LEEWAY_SECONDS, options={"require": ["exp", "iss", "aud", s.identity_claim]},
            )
        except jwt.PyJWKClientConnectionError:
            log.warning("JWT refused: the JWKS URL (server.jwt.jwks_url) could not be fetched")
            return None
        except jwt.PyJWTError as err:
            # The exception's class says which check failed; its text may quote claims, so it is left out.
            log.info("JWT refused: %s", type(err).__name__)
            return None
        who = claims.get(s.identity_claim)
        if not isinstance(who, str) or not who:
            log.info("JWT refused: claim %s is not a non-empty string", s.identity_claim)
            return None
        client = claims.get("azp") or claims.get("client_id") or who
        return AccessToken(
            token=token, client_id=str(client), scopes=str(claims.get("scope") or "").split(),
            expires_at=int(claims["exp"]), subject=who, claims={"iss": claims["iss"]},
        )


class Verifier(TokenVerifier):
    """The SDK's `TokenVerifier` over the tokens file and, if configured, the JWT provider."""

    def __init__(self, tokens: TokensFile, jwt_verifier: JwtVerifier | None = None) -> None:
        self.tokens = tokens
        self.jwt = jwt_verifier

    async def verify_token(self, token: str) -> AccessToken | None:
        if token.startswith(PREFIX) or self.jwt is None:
            try:
                name = self.tokens.verify(token)
            except ConfigError as err:  # a damaged tokens file: nobody gets in until it is fixed
                log.error("%s", err)
                return None
            if name is None:
                log.info("token refused: no token in %s has this hash (wrong or revoked)", self.tokens.path)
                return None
            return AccessToken(token=token, client_id=name, scopes=[], subject=name)
        return await anyio.to_thread.run_sync(self.jwt.verify, token)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def require_auth(config: config_mod.Config, host: str, no_auth: bool) -> Verifier | None:
    """The verifier the server must use, or None with `--no-auth` on loopback; refuses to
    return when the server would otherwise answer anyone."""
    tokens = TokensFile(tokens_path(config))
    have_tokens = bool(tokens.entries())  # also checks that the file parses, before serving
    jwt_settings = config.server.jwt
    if no_auth:
        if not is_loopback(host):
            raise ConfigError(
                f"--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not {host}; "
                "create a token with `finetune token add NAME` and serve without --no-auth"
            )
        if have_tokens or jwt_settings is not None:
            log.warning("--no-auth: tokens or JWT settings exist but are not checked; anyone on this machine "
                        "can call the server")
        return None
    if not have_tokens and jwt_settings is None:
        where = "on a loopback address" if is_loopback(host) else f"on {host}, which other machines can reach"
        hint = "" if not is_loopback(host) else " (or, for yourself alone on this machine, add --no-auth)"
        raise ConfigError(
            f"refusing to serve without authentication {where}: no tokens in {tokens.path} and no server.jwt "
            f"in the config. Create a token with `finetune token add NAME`{hint}, or configure server.jwt "
            "(issuer, audience, jwks_url)"
        )
    return Verifier(tokens, JwtVerifier(jwt_settings) if jwt_settings is not None else None)


def auth_settings(base_url: str) -> AuthSettings:
    """The SDK's auth settings for a resource server that checks tokens itself.

    No protected resource metadata is published (`resource_server_url` None): the tokens are
    made by `finetune token add` or by an identity provider the clients are configured for, not
    by an OAuth flow a client could discover. So the issuer is a placeholder the SDK requires and
    serves nowhere. The audience is checked by `JwtVerifier`, hence validate_token_resource off.
    """
    return AuthSettings(issuer_url=base_url, resource_server_url=None, validate_token_resource=False)  # type: ignore[arg-type]

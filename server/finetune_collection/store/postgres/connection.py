"""Opening a connection from a store URL, and turning the driver's failures into our errors.

A URL may carry a password: messages show `redact(url)` and never the driver's text verbatim
(libpq repeats connection options in some messages), only its reason with the URL's secrets cut.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ...errors import ConfigError, StoreError, StoreLocked

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
URL_SHAPE = "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
CONNECT_TIMEOUT = 10  # seconds: an unreachable host fails in this time rather than TCP's minutes


def is_url(value: str) -> bool:
    return value.split("://", 1)[0].lower() in SCHEMES and "://" in value


def redact(url: str) -> str:
    """The URL as messages may show it: no password, in the user part or the query."""
    try:
        parts = urlsplit(url)
        user, _, host = parts.netloc.rpartition("@")
        user = user.partition(":")[0]
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
        return f"{parts.scheme}://{user + '@' if user else ''}{host}{parts.path}{'?' + query if query else ''}"
    except ValueError:
        return "(a PostgreSQL URL that does not parse)"


def _secrets(url: str) -> list[str]:
    """Parts of the URL no message may repeat (the password, wherever it was given)."""
    found = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password" and v]
    except ValueError:
        pass
    return [url, *found]


def reason(err: Exception, url: str) -> str:
    """The driver's reason, first line, with the URL and its password cut out."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text


def connect(url: str, lock_timeout: float, source: str = "FINETUNE_STORE") -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are explicit) with our JSON codec and timeouts."""
    import orjson
    import psycopg
    from psycopg.types.json import set_json_dumps, set_json_loads

    if not is_url(url):
        raise ConfigError(f"{source}: not a PostgreSQL URL; the shape is {URL_SHAPE}")
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        # The driver's message quotes the offending part, which may be the password.
        raise ConfigError(f"{source}: the PostgreSQL URL does not parse; the shape is {URL_SHAPE}") from None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as err:
        raise StoreError(
            f"cannot connect to the PostgreSQL store at {redact(url)}: {reason(err, url)}; check that the server "
            f"is running and the URL in {source} is right"
        ) from None
    set_json_dumps(orjson.dumps, conn)
    set_json_loads(orjson.loads, conn)
    # Applies to the advisory lock too: a writer stuck behind a stopped one gets StoreLocked.
    conn.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
    return conn


@contextlib.contextmanager
def translated(location: str, url: str, lock_timeout: float) -> Iterator[None]:
    """Driver failures as our errors: a lock wait past the timeout, a lost connection."""
    import psycopg

    try:
        yield
    except psycopg.errors.LockNotAvailable:
        raise StoreLocked(
            f"{location}: another finetune process held the store's write lock for over {lock_timeout:g} s "
            "(limits.lock_timeout); try again"
        ) from None
    except psycopg.errors.UniqueViolation:
        raise StoreError(
            f"{location}: a write broke a uniqueness rule (an id or a content key another writer stored "
            "meanwhile); nothing was written, try again"
        ) from None
    except psycopg.OperationalError as err:
        raise StoreError(
            f"{location}: the PostgreSQL server failed ({reason(err, url)}); nothing of this operation was "
            "written; check the server and try again"
        ) from None

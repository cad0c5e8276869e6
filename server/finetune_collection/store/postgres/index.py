"""The duplicate index in tables: the exact key column and the LSH bands, under `dedup.bands`'s rule.

Band rows are made from the stored signatures with the current settings' banding; the banding in
use is kept in finetune_meta (`tag`), so a threshold or permutation change re-bands the table from
the stored signatures (`reband`) instead of comparing bands made under other parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ...config import DedupSettings
from ...dedup.bands import band_hashes, near_signatures, similarity
from ...dedup.exact import Match
from ...dedup.minhash import fingerprint
from ...dedup.near import lsh_params

if TYPE_CHECKING:
    import psycopg

REBAND_BATCH = 2000

__all__ = ["band_rows", "bands_of", "exact_of", "find", "fingerprint", "near", "reband", "tag", "write_bands"]


def tag(settings: DedupSettings) -> str:
    """What the band rows depend on: the signatures' fingerprint and the (bands x rows) split."""
    if not settings.near:
        return "off"
    b, r = lsh_params(settings.threshold, settings.num_perm)
    return f"{fingerprint(settings)}/{b}x{r}"


def exact_of(keys: dict[str, Any] | None) -> str | None:
    value = keys.get("exact") if keys else None
    return value if isinstance(value, str) else None


def bands_of(keys: dict[str, Any] | None, settings: DedupSettings) -> list[int]:
    """Band hashes of stored keys; none for keys made under other settings (they are missing)."""
    signatures = near_signatures(keys, settings) if keys else None
    return band_hashes(signatures[0], settings) if signatures is not None else []


def find(
    conn: psycopg.Connection[Any], keys: dict[str, Any], settings: DedupSettings, exclude: str | None = None
) -> Match | None:
    """An exact match first (the oldest holder of the key), else the most similar verified near one."""
    exact = exact_of(keys)
    if exact is not None:
        row = conn.execute(
            "SELECT id FROM finetune_examples "
            "WHERE exact_key = %s AND status <> 'superseded' AND id IS DISTINCT FROM %s",
            (exact, exclude),
        ).fetchone()
        if row is not None:
            return Match(str(row[0]), "exact", 1.0)
    found = near(conn, keys, settings, exclude)
    return found[0] if found else None


def near(
    conn: psycopg.Connection[Any], keys: dict[str, Any], settings: DedupSettings, exclude: str | None = None
) -> list[Match]:
    """Verified near duplicates, most similar first (oldest first on a tie): one query for every
    band, then each candidate verified on its stored signatures, as `NearDeduper` verifies."""
    try:
        signatures = near_signatures(keys, settings)
    except (KeyError, TypeError, ValueError):  # keys that are not what a keyer makes: no neighbours
        return []
    if signatures is None:
        return []
    hashes = band_hashes(signatures[0], settings)
    rows = conn.execute(
        "SELECT e.id, e.keys FROM finetune_examples e WHERE e.status <> 'superseded' AND e.id IS DISTINCT FROM %s "
        "AND e.id IN (SELECT b.id FROM finetune_bands b JOIN unnest(%s::smallint[], %s::bigint[]) AS q(band, hash) "
        "ON b.band = q.band AND b.hash = q.hash) ORDER BY e.seq",
        (exclude, list(range(len(hashes))), hashes),
    ).fetchall()
    found: list[Match] = []
    for candidate_id, candidate_keys in rows:
        theirs = near_signatures(candidate_keys, settings) if isinstance(candidate_keys, dict) else None
        score = similarity(signatures, theirs, settings) if theirs is not None else None
        if score is not None:
            found.append(Match(str(candidate_id), "near", score))
    return sorted(found, key=lambda m: -m.similarity)


def band_rows(example_id: str, keys: dict[str, Any] | None, settings: DedupSettings) -> Iterator[tuple[int, int, str]]:
    for band, value in enumerate(bands_of(keys, settings)):
        yield band, value, example_id


def write_bands(
    conn: psycopg.Connection[Any], entries: Sequence[tuple[str, dict[str, Any] | None]],
    settings: DedupSettings,
) -> None:
    """Replace the band rows of these examples (an empty key set removes them)."""
    ids = [example_id for example_id, _ in entries]
    conn.execute("DELETE FROM finetune_bands WHERE id = ANY(%s)", (ids,))
    rows = [row for example_id, keys in entries for row in band_rows(example_id, keys, settings)]
    if rows:
        bands, hashes, owners = zip(*rows, strict=True)
        conn.execute(
            "INSERT INTO finetune_bands (band, hash, id) "
            "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::text[])",
            (list(bands), list(hashes), list(owners)),
        )


def reband(conn: psycopg.Connection[Any], settings: DedupSettings) -> None:
    """Rebuild every band row from the stored signatures under `settings` (inside a transaction)."""
    conn.execute("TRUNCATE finetune_bands")
    if settings.near:
        with conn.cursor(name="finetune_reband") as cursor, conn.cursor() as writer:
            cursor.execute("SELECT id, keys FROM finetune_examples WHERE keys IS NOT NULL AND status <> 'superseded'")
            # A batch is read, then copied: the connection cannot fetch while a COPY is open.
            while batch := cursor.fetchmany(REBAND_BATCH):
                with writer.copy("COPY finetune_bands (band, hash, id) FROM STDIN") as copy:
                    for example_id, keys in batch:
                        for row in band_rows(str(example_id), keys if isinstance(keys, dict) else None, settings):
                            copy.write_row(row)
    conn.execute("UPDATE finetune_meta SET value = %s WHERE key = 'bands'", (tag(settings),))

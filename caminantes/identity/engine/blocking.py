"""Blocking: the few keys two records of one person are likely to share.

Each key is selective on its own (a million people give blocks of tens, not thousands) and
together they forgive one error anywhere: a document number; a sound-alike given name and
surname with the birth year (in either order), or with the day and month (the year
mistyped); any one name (given or surname, in either box) with the whole birth date (the
other names changed, misspelt or swapped); both surnames with the whole date, or with the
day and month; the phone with the given name or with a surname; the whole name's sound;
and two weak keys with small caps (rarer names).

`blocking_keys(record)` gives the keys as strings for the registry's indexed table;
`candidate_pairs(table)` builds the same keys as integers over a whole table and returns
every pair that shares one. A block above its cap (María José González with José Luis
Rodríguez's thousands at a million records) is not skipped but split by one more column -
the sex, the birth year, the place - and split again if still too big; only a block that
outgrows its last refinement is dropped (a shelter's phone number).
"""

from __future__ import annotations

import numpy as np

from caminantes.identity.engine import normalise as nz
from caminantes.identity.engine.record import Record
from caminantes.identity.engine.table import Table

MAX_BLOCK = 30
# Weaker keys (a given name with one surname; both surnames with the year) only count in
# small blocks: they are there for people with rarer names whose other keys all broke.
WEAK_BLOCK = 10
REFINEMENTS = 2  # columns that can sub-divide an oversized block, one after the other
NO_REFINEMENT = -2  # (-1 is a missing value: such records form a part of their own)
PAIR_RADIX = 1 << 32  # a pair (i, j) is coded i * PAIR_RADIX + j
PAIR_CHUNK = 4_000_000  # pairs expanded at a time


def _first(sounds: tuple[str, ...]) -> str:
    return next((s for s in sounds if len(s) > 1), "")


def blocking_keys(r: Record) -> list[str]:
    gname = nz.given_name(r.given_names)
    given = _first(gname.sounds)
    fam = nz.family_name(r.family_names)
    surnames = list(dict.fromkeys(fam.sounds[:2]))
    if fam.married:
        surnames.append(nz.phonetic(fam.married))
    y, m, d = nz.birth_date(r.birth_date)
    doc, phone = nz.document(r.document_number), nz.phone(r.phone)
    pair = ":".join(sorted(fam.sounds[:2]))
    keys = []
    if doc:
        keys.append(f"D:{doc}")
    if given:
        for s in surnames:
            if y:
                keys.append("N:" + ":".join(sorted((given, s))) + f":{y}")
            if m and d:
                keys.append(f"M:{given}:{s}:{m}:{d}")
        if phone:
            keys.append(f"P:{phone}:{given}")
        if fam.sounds:
            keys.append("Q:" + given + ":" + pair)
    if y and m and d:
        # any name, given or surname (typed in either box), with the whole date
        tokens = [s for s in gname.sounds[:3] if len(s) > 1] + surnames
        keys.extend(f"T:{s}:{y}:{m}:{d}" for s in dict.fromkeys(tokens))
    if fam.sounds and m and d:
        keys.append(f"A:{pair}:{m}:{d}")
    if phone:
        keys.extend(f"F:{phone}:{s}" for s in dict.fromkeys(fam.sounds[:2]))
    if given:
        keys.extend(f"W:{given}:{s}" for s in fam.sounds[:2])
    if fam.sounds and y:
        keys.append(f"E:{pair}:{y}")
    return list(dict.fromkeys(keys))


def _first_given_sound(t: Table) -> np.ndarray:
    # the first given token that is not an initial
    g = t.g_snd[:, 0].copy()
    for k in (1, 2):
        use = t.g_ini[:, k - 1] & (t.g_snd[:, k] >= 0) & t.g_ini[:, :k].all(1)
        g[use] = t.g_snd[use, k]
    g[t.g_ini.all(1) | (g < 0)] = -1
    return g


def _pack(*parts: np.ndarray) -> np.ndarray:
    """Combine small non-negative integer columns into one int64 key (hash-mixed)."""
    key = np.zeros(len(parts[0]), np.uint64)
    with np.errstate(over="ignore"):
        for p in parts:
            key = key * np.uint64(0x9E3779B97F4A7C15) + p.astype(np.uint64) + np.uint64(1)
            key ^= key >> np.uint64(29)
    return key.view(np.int64)


def table_keys(t: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(keys, rows, block caps, refinements): the keys of `blocking_keys` as integers, for
    every row, with the columns (-1: none) that sub-divide a block above its cap."""
    g = _first_given_sound(t)
    y, m, d = t.year.astype(np.int64), t.month.astype(np.int64), t.day.astype(np.int64)
    has_g, full_date = g >= 0, (y > 0) & (m > 0) & (d > 0)
    sex = t.sex.astype(np.int64)
    rows = np.arange(t.n, dtype=np.int64)
    s1, s2 = t.f_snd[:, 0], t.f_snd[:, 1]
    lo, hi = np.minimum(s1, s2), np.maximum(s1, s2)
    lo = np.where(s2 < 0, s1, lo)
    hi = np.where(s2 < 0, -1, hi)
    keys, owners, caps, refines = [], [], [], []
    none = np.full(t.n, NO_REFINEMENT, np.int64)
    place = t.place.astype(np.int64)

    def add(
        tag: int,
        mask: np.ndarray,
        *cols: np.ndarray,
        cap: int | None = None,
        refine: tuple[np.ndarray, ...] = (),
    ) -> None:
        keys.append(_pack(np.full(int(mask.sum()), tag), *(c[mask] for c in cols)))
        owners.append(rows[mask])
        caps.append(np.full(int(mask.sum()), cap or MAX_BLOCK, np.int32))
        ref = [*refine, none, none][:REFINEMENTS]
        refines.append(np.column_stack([r[mask] for r in ref]))

    add(1, t.doc >= 0, t.doc)
    surnames = (s1, np.where(s2 == s1, -1, s2), t.f_mar_snd)
    for s in surnames:
        # the name pair unordered: given names and surnames typed in each other's boxes
        add(2, has_g & (s >= 0) & (y > 0), np.minimum(g, s), np.maximum(g, s), y,
            refine=(sex, place))  # fmt: skip
        add(3, has_g & (s >= 0) & (m > 0) & (d > 0), g, s, m, d, refine=(sex, place))
    # any name token with the whole date (each sound once per record)
    given_snd = np.where(t.g_ini, -1, t.g_snd)
    tokens = np.column_stack([given_snd, *surnames])
    for k in range(tokens.shape[1]):
        s = tokens[:, k]
        first = (s >= 0) & ~(tokens[:, :k] == s[:, None]).any(1)
        add(4, first & full_date, s, y, m, d, refine=(sex, place))
    add(5, has_g & (t.phone >= 0), t.phone, g, refine=(y,))
    add(6, has_g & (s1 >= 0), g, lo, hi + 1, refine=(sex, place))
    add(10, (s1 >= 0) & (m > 0) & (d > 0), lo, hi + 1, m, d, refine=(sex, place))
    for s in surnames[:2]:
        add(11, (t.phone >= 0) & (s >= 0), t.phone, s, refine=(y,))
    for s in surnames[:2]:
        add(8, has_g & (s >= 0), g, s, cap=WEAK_BLOCK, refine=(sex,))
    add(9, (s1 >= 0) & (y > 0), lo, hi + 1, y, cap=WEAK_BLOCK, refine=(sex,))
    return (
        np.concatenate(keys),
        np.concatenate(owners),
        np.concatenate(caps),
        np.concatenate(refines),
    )


def _block_pairs(
    keys: np.ndarray, rows: np.ndarray, caps: np.ndarray, found: list[np.ndarray]
) -> np.ndarray:
    """Adds to `found` the pair codes of the blocks within their cap, as sorted unique runs;
    returns the mask of the elements of bigger blocks. Blocks are expanded a few million
    pairs at a time and the runs merged as they grow, so memory stays bounded whatever the
    number of records."""
    order = np.lexsort((rows, keys))
    keys, rows, caps = keys[order], rows[order], caps[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    over = np.zeros(len(keys), bool)
    over[order] = np.repeat(sizes > caps[starts], sizes)
    keep = (sizes >= 2) & (sizes <= caps[starts])
    starts, sizes = starts[keep], sizes[keep]
    if len(starts) == 0:
        return over
    total = np.cumsum(sizes * (sizes - 1) // 2)
    cut = np.searchsorted(total, np.arange(PAIR_CHUNK, total[-1], PAIR_CHUNK), side="right")
    for lo, hi in zip(np.r_[0, cut], np.r_[cut, len(starts)], strict=True):
        if hi > lo:
            found.append(_expand(rows, starts[lo:hi], sizes[lo:hi]))
            # many keys give the same pairs: merge when the new runs outgrow the merged one
            if sum(map(len, found[1:])) > max(8 * PAIR_CHUNK, len(found[0])):
                found[:] = [_distinct(np.concatenate(found))]
    return over


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values: np.unique by a plain sort, several times faster than the
    hash table numpy 2.x uses for tens of millions of int64."""
    codes = np.sort(codes)
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes


def _expand(rows: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Sorted unique codes of every pair inside the blocks rows[start:start + size]."""
    # position of each element of the blocks, and how many partners follow it
    elem = np.repeat(starts, sizes) + (
        np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    follow = np.repeat(starts + sizes, sizes) - elem - 1
    left = np.repeat(elem, follow)
    offs = np.arange(follow.sum()) - np.repeat(np.cumsum(follow) - follow, follow)
    a, b = rows[left], rows[left + 1 + offs]
    del left, offs
    diff = a != b  # one row can hold a key twice (its surname and its married name)
    a, b = a[diff], b[diff]
    return _distinct(np.minimum(a, b) * np.int64(PAIR_RADIX) + np.maximum(a, b))


def pairs_from_keys(
    keys: np.ndarray,
    rows: np.ndarray,
    n: int,
    caps: np.ndarray | None = None,
    refine: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows sharing a key, i < j, unique.

    A block above its cap is not dropped: it is split by its next refinement column (the
    key with the birth year, the sex...) and the parts are blocked again; only a block still
    too big when its refinements run out is skipped (a shelter's phone). Records missing the
    refinement (no birth year) form a part of their own."""
    if caps is None:
        caps = np.full(len(keys), MAX_BLOCK, np.int32)
    if refine is None:
        refine = np.full((len(keys), 0), -1, np.int64)
    found: list[np.ndarray] = []
    for level in range(refine.shape[1] + 1):
        if len(keys) == 0:
            break
        over = _block_pairs(keys, rows, caps, found)
        if level == refine.shape[1] or not over.any():
            break
        col = refine[over, level]
        usable = col != NO_REFINEMENT  # a key without more refinements: skipped
        if not usable.any():
            break
        sel = np.flatnonzero(over)[usable]
        keys = _pack(keys[sel], col[usable] + 2)
        rows, caps, refine = rows[sel], caps[sel], refine[sel]
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    code = _distinct(np.concatenate(found))
    return code // PAIR_RADIX, code % PAIR_RADIX


def candidate_pairs(t: Table) -> tuple[np.ndarray, np.ndarray]:
    keys, rows, caps, refine = table_keys(t)
    return pairs_from_keys(keys, rows, t.n, caps, refine)

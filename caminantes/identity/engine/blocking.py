"""Blocking: the few keys two records of one person are likely to share.

Each key is selective on its own (a million people give blocks of tens, not thousands) and
together they forgive one error anywhere: a document number; a sound-alike given name and
surname with the birth year (in either order), or with the day and month (the year
mistyped); both surnames with the whole birth date (the given name changed); the given name
with the whole date (the surname changed or married); the phone with the given name; the
whole name's sound; and two weak keys counted only in small blocks (rarer names).

`blocking_keys(record)` gives the keys as strings for the registry's indexed table;
`candidate_pairs(table)` builds the same keys as integers over a whole table and returns
every pair that shares one, skipping blocks too big to mean anything (a shelter's phone).
"""

from __future__ import annotations

import numpy as np

from caminantes.identity.engine import normalise as nz
from caminantes.identity.engine.record import Record
from caminantes.identity.engine.table import Table

MAX_BLOCK = 400
# Weaker keys (a given name with one surname; both surnames with the year) only count in
# small blocks: they are there for people with rarer names whose other keys all broke.
WEAK_BLOCK = 20


def _first(sounds: tuple[str, ...]) -> str:
    return next((s for s in sounds if len(s) > 1), "")


def blocking_keys(r: Record) -> list[str]:
    given = _first(nz.given_name(r.given_names).sounds)
    fam = nz.family_name(r.family_names)
    surnames = list(dict.fromkeys(fam.sounds[:2]))
    if fam.married:
        surnames.append(nz.phonetic(fam.married))
    y, m, d = nz.birth_date(r.birth_date)
    doc, phone = nz.document(r.document_number), nz.phone(r.phone)
    keys = []
    if doc:
        keys.append(f"D:{doc}")
    if given:
        for s in surnames:
            if y:
                keys.append("N:" + ":".join(sorted((given, s))) + f":{y}")
            if m and d:
                keys.append(f"M:{given}:{s}:{m}:{d}")
        if y and m and d:
            keys.append(f"G:{given}:{y}:{m}:{d}")
        if phone:
            keys.append(f"P:{phone}:{given}")
        if fam.sounds:
            keys.append("Q:" + given + ":" + ":".join(sorted(fam.sounds[:2])))
    if fam.sounds and y and m and d:
        keys.append("B:" + ":".join(sorted(fam.sounds[:2])) + f":{y}:{m}:{d}")
    if given:
        keys.extend(f"W:{given}:{s}" for s in fam.sounds[:2])
    if fam.sounds and y:
        keys.append("E:" + ":".join(sorted(fam.sounds[:2])) + f":{y}")
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


def table_keys(t: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, rows, block caps): the same keys as `blocking_keys`, as integers, for every row."""
    g = _first_given_sound(t)
    y, m, d = t.year.astype(np.int64), t.month.astype(np.int64), t.day.astype(np.int64)
    has_g, full_date = g >= 0, (y > 0) & (m > 0) & (d > 0)
    rows = np.arange(t.n, dtype=np.int64)
    s1, s2 = t.f_snd[:, 0], t.f_snd[:, 1]
    lo, hi = np.minimum(s1, s2), np.maximum(s1, s2)
    lo = np.where(s2 < 0, s1, lo)
    hi = np.where(s2 < 0, -1, hi)
    keys, owners, caps = [], [], []

    def add(tag: int, mask: np.ndarray, *cols: np.ndarray, cap: int = MAX_BLOCK) -> None:
        keys.append(_pack(np.full(int(mask.sum()), tag), *(c[mask] for c in cols)))
        owners.append(rows[mask])
        caps.append(np.full(int(mask.sum()), cap, np.int32))

    add(1, t.doc >= 0, t.doc)
    for s in (s1, np.where(s2 == s1, -1, s2), t.f_mar_snd):
        # the name pair unordered: given names and surnames typed in each other's boxes
        add(2, has_g & (s >= 0) & (y > 0), np.minimum(g, s), np.maximum(g, s), y)
        add(3, has_g & (s >= 0) & (m > 0) & (d > 0), g, s, m, d)
    add(4, has_g & full_date, g, y, m, d)
    add(5, has_g & (t.phone >= 0), t.phone, g)
    add(6, has_g & (s1 >= 0), g, lo, hi + 1)
    add(7, (s1 >= 0) & full_date, lo, hi + 1, y, m, d)
    for s in (s1, np.where(s2 == s1, -1, s2)):
        add(8, has_g & (s >= 0), g, s, cap=WEAK_BLOCK)
    add(9, (s1 >= 0) & (y > 0), lo, hi + 1, y, cap=WEAK_BLOCK)
    return np.concatenate(keys), np.concatenate(owners), np.concatenate(caps)


def pairs_from_keys(
    keys: np.ndarray, rows: np.ndarray, n: int, caps: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows sharing a key (blocks above their cap skipped), i < j, unique."""
    if caps is None:
        caps = np.full(len(keys), MAX_BLOCK, np.int32)
    order = np.lexsort((rows, keys))
    keys, rows, caps = keys[order], rows[order], caps[order]
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    keep = (sizes >= 2) & (sizes <= caps[starts])
    starts, sizes = starts[keep], sizes[keep]
    if len(starts) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # position of each element of the kept blocks, and how many partners follow it
    elem = np.repeat(starts, sizes) + (
        np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    follow = np.repeat(starts + sizes, sizes) - elem - 1
    left = np.repeat(elem, follow)
    offs = np.arange(follow.sum()) - np.repeat(np.cumsum(follow) - follow, follow)
    right = left + 1 + offs
    a, b = rows[left], rows[right]
    i, j = np.minimum(a, b), np.maximum(a, b)
    code = np.unique(i[i != j] * np.int64(n) + j[i != j])
    return code // n, code % n


def candidate_pairs(t: Table) -> tuple[np.ndarray, np.ndarray]:
    keys, rows, caps = table_keys(t)
    return pairs_from_keys(keys, rows, t.n, caps)

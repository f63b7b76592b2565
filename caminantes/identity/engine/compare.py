"""Comparison levels for pairs of records, vectorised over arrays of pairs.

Every field is compared into a small ordered set of levels (0 is always "one side is
missing"); `model.py` turns the levels into a match weight. The same function serves one
pair in real time (a two-row table) and millions of pairs in a batch, so the registry, the
command line and Spark can never disagree about what "similar" means.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from caminantes.identity.engine.table import Table

LEVELS: dict[str, tuple[str, ...]] = {
    "given_names": (
        "missing", "exact", "subset", "similar", "second_differs", "partial", "different",
    ),
    "family_names": ("missing", "exact", "subset", "similar", "one_shared", "different"),
    "birth_date": (
        "missing", "exact", "swapped", "one_part", "estimated", "months_apart", "different",
    ),
    "sex": ("missing", "same", "different"),
    "document_number": ("missing", "exact", "one_edit", "different"),
    "phone": ("missing", "same", "different"),
    "birth_place": ("missing", "same", "similar", "different"),
    "nationality": ("missing", "same", "different"),
}  # fmt: skip
FIELDS = tuple(LEVELS)
TOKEN_JW = 0.88  # two name tokens this close (Jaro-Winkler) are one name mistyped
ESTIMATED = ((1, 1), (7, 1), (6, 30), (12, 31), (0, 0))  # dates registrars write for "about"
# Two children of one mother are born at least this far apart, twins aside (same day): two
# dates closer than this are one person's, mistyped, not a brother's or a sister's.
SIBLING_DAYS = 270
PLACE_JW = 0.92  # two place names this close are one place mistyped
TYPO_LEN = 4  # name tokens this long may differ by one edit (Gosue / Josué) and still agree


def _distinct_pairs(
    t: Table, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list[str], list[str], np.ndarray | None]:
    """(mask of pairs of two different tokens, their distinct left and right words, and
    the index of each masked pair among them - None when every pair is its own)."""
    ok = (a >= 0) & (b >= 0) & (a != b)
    words = t.tokens.words
    if len(a) <= 64:  # one registration: no need to share the work between pairs
        return ok, [words[k] for k in a[ok].tolist()], [words[k] for k in b[ok].tolist()], None
    key = a[ok].astype(np.int64) * (1 << 32) + b[ok]
    uniq, inv = np.unique(key, return_inverse=True)
    left = [words[k >> 32] for k in uniq.tolist()]
    right = [words[k & 0xFFFFFFFF] for k in uniq.tolist()]
    return ok, left, right, inv


def _jw_tokens(t: Table, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaro-Winkler of token codes a[k] vs b[k], computed once per distinct pair of codes."""
    out = np.zeros(a.shape, np.float32)
    ok, left, right, inv = _distinct_pairs(t, a, b)
    if left:
        jw = cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1)
        out[ok] = jw if inv is None else jw[inv]
    return out


def _close_tokens(t: Table, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Token codes a[k] and b[k] that are one name mistyped: Jaro-Winkler at least TOKEN_JW,
    or (both at least TYPO_LEN letters) one edit apart, which forgives the slip in the first
    letter that Jaro-Winkler punishes (Gosue / Josue 0.87, Ieiker / Yeiker 0.82)."""
    out = np.zeros(a.shape, bool)
    ok, left, right, inv = _distinct_pairs(t, a, b)
    if not left:
        return out
    close = cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1) >= TOKEN_JW
    long = np.flatnonzero(
        [min(len(x), len(y)) >= TYPO_LEN for x, y in zip(left, right, strict=True)]
    )
    if len(long):
        edits = cpdist(
            [left[k] for k in long], [right[k] for k in long], scorer=OSA.distance, workers=1
        )
        close[long[edits <= 1]] = True
    out[ok] = close if inv is None else close[inv]
    return out


def _name_match(t: Table, tok_a, snd_a, ini_a, tok_b, snd_b, ini_b):
    """(strict, loose) boolean arrays [pair, k, l]: token k of a against token l of b."""
    ta, tb = tok_a[:, :, None], tok_b[:, None, :]
    present = (ta >= 0) & (tb >= 0)
    strict = present & (ta == tb)
    loose = strict | (present & (snd_a[:, :, None] == snd_b[:, None, :]))
    if ini_a is not None:  # "J." matches any name that starts with j
        initials = _initials(t)
        same = initials[np.maximum(ta, 0)] == initials[np.maximum(tb, 0)]
        loose |= present & (ini_a[:, :, None] | ini_b[:, None, :]) & same
    # typos: Jaro-Winkler between the first two tokens of each side
    a2 = np.broadcast_to(tok_a[:, :2, None], (len(tok_a), 2, 2))
    b2 = np.broadcast_to(tok_b[:, None, :2], (len(tok_b), 2, 2))
    close = _close_tokens(t, a2.reshape(-1), b2.reshape(-1)).reshape(-1, 2, 2)
    loose[:, :2, :2] |= present[:, :2, :2] & close
    return strict, loose


def _initials(t: Table) -> np.ndarray:
    cached = getattr(t, "_initials_cache", None)
    if cached is None or len(cached) != len(t.tokens.words):
        cached = np.array([ord(w[0]) for w in t.tokens.words] or [0], np.int32)
        t._initials_cache = cached  # type: ignore[attr-defined]
    return cached


def _given(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    na, nb = t.g_n[i], t.g_n[j]
    strict, loose = _name_match(
        t, t.g_tok[i], t.g_snd[i], t.g_ini[i], t.g_tok[j], t.g_snd[j], t.g_ini[j]
    )
    s_a, s_b = strict.any(2).sum(1), strict.any(1).sum(1)  # tokens of a (b) found in b (a)
    l_a, l_b = loose.any(2).sum(1), loose.any(1).sum(1)
    shorter_strict = np.where(na <= nb, s_a >= na, s_b >= nb)
    shorter_loose = np.where(na <= nb, l_a >= na, l_b >= nb)
    level = np.full(len(i), 6, np.int8)  # different
    level[loose.any((1, 2))] = 5  # partial: some name in common
    level[loose[:, 0, 0] & ~shorter_loose] = 4  # first names agree, second names differ
    level[shorter_loose] = 3
    level[shorter_strict] = 2
    level[(s_a >= na) & (s_b >= nb) & (na == nb)] = 1
    level[(na == 0) | (nb == 0)] = 0
    return level


def _family(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    na, nb = t.f_n[i], t.f_n[j]
    # a's surnames are looked for among b's surnames and b's married name, and back.
    tok_a = np.column_stack([t.f_tok[i], t.f_mar[i]])
    tok_b = np.column_stack([t.f_tok[j], t.f_mar[j]])
    snd_a = np.column_stack([t.f_snd[i], np.full(len(i), -2, np.int32)])
    snd_b = np.column_stack([t.f_snd[j], np.full(len(j), -3, np.int32)])
    strict, loose = _name_match(t, tok_a, snd_a, None, tok_b, snd_b, None)
    w = t.f_tok.shape[1]
    s_a, s_b = strict[:, :w].any(2).sum(1), strict[:, :, :w].any(1).sum(1)
    l_a, l_b = loose[:, :w].any(2).sum(1), loose[:, :, :w].any(1).sum(1)
    level = np.full(len(i), 5, np.int8)
    level[loose.any((1, 2))] = 4
    level[np.where(na <= nb, l_a >= na, l_b >= nb)] = 3
    level[np.where(na <= nb, s_a >= na, s_b >= nb)] = 2
    level[(s_a >= na) & (s_b >= nb) & (na == nb) & (t.f_mar[i] == t.f_mar[j])] = 1
    level[(na == 0) | (nb == 0)] = 0
    return level


def _digits_apart(a: np.ndarray, b: np.ndarray, digits: int = 8) -> np.ndarray:
    """Numbers written with one wrong digit (1985 / 1995) or two adjacent digits swapped
    (1985 / 1958, 12 / 21), compared on their last `digits` digits."""
    pow10 = (10 ** np.arange(digits, dtype=np.int32))[:, None]
    da = (a.astype(np.int32)[None, :] // pow10) % 10
    db = (b.astype(np.int32)[None, :] // pow10) % 10
    diff = da != db
    count = diff.sum(0)
    # a swap of positions k, k+1: exactly those two differ, crosswise equal
    cross = (da[:-1] == db[1:]) & (da[1:] == db[:-1]) & diff[:-1] & diff[1:]
    return (count == 1) | ((count == 2) & cross.any(0))


def _dates(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ya, ma, da = t.year[i], t.month[i], t.day[i]
    yb, mb, db = t.year[j], t.month[j], t.day[j]
    same_y, same_m, same_d = ya == yb, ma == mb, da == db
    est_a = np.zeros(len(i), bool)
    est_b = np.zeros(len(i), bool)
    for mm, dd in ESTIMATED:
        est_a |= (ma == mm) & (da == dd)
        est_b |= (mb == mm) & (db == dd)
    level = np.full(len(i), 6, np.int8)
    days_a = ya.astype(np.float64) * 365.25 + ma * 30.44 + da
    days_b = yb.astype(np.float64) * 365.25 + mb * 30.44 + db
    level[np.abs(days_a - days_b) < SIBLING_DAYS] = 5
    level[(est_a | est_b) & (np.abs(ya.astype(np.int32) - yb) <= 1)] = 4
    n = len(i)
    apart = _digits_apart(np.concatenate([da, ma]), np.concatenate([db, mb]), 2)
    near_year = _digits_apart(ya, yb, 4) | (np.abs(ya.astype(np.int32) - yb) == 1)
    one_part = (same_y & same_m & apart[:n]) | (same_y & same_d & apart[n:])
    one_part |= same_m & same_d & near_year
    # one slip anywhere in YYYYMMDD as typed (1993-09-25 / 1990-39-25 is two parts, one key)
    whole_a = (ya.astype(np.int64) * 100 + ma) * 100 + da
    whole_b = (yb.astype(np.int64) * 100 + mb) * 100 + db
    one_part |= _digits_apart(whole_a, whole_b)
    level[one_part] = 3
    level[same_y & (ma == db) & (da == mb) & ~same_m] = 2
    level[same_y & same_m & same_d] = 1
    level[(ya == 0) | (yb == 0)] = 0
    return level


def _documents(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    a, b = t.doc[i], t.doc[j]
    level = np.full(len(i), 3, np.int8)
    level[a == b] = 1
    check = np.flatnonzero((a >= 0) & (b >= 0) & (a != b))
    if len(check):
        words = t.doc_text
        left = [words[k] for k in a[check].tolist()]
        right = [words[k] for k in b[check].tolist()]
        dist = cpdist(left, right, scorer=OSA.distance, workers=1)
        level[check[dist <= 1]] = 2
    # a passport's number and a cédula's differ without saying anything: only numbers of
    # one type (or of a type not given) are compared
    ta, tb = t.doc_type[i], t.doc_type[j]
    level[(a != b) & (ta >= 0) & (tb >= 0) & (ta != tb)] = 0
    if t.doc_shared is not None:  # a family's document: no evidence either way
        level[(a == b) & t.doc_shared[np.maximum(a, 0)]] = 0
    level[(a < 0) | (b < 0)] = 0
    return level


def _same(a: np.ndarray, b: np.ndarray, missing=-1) -> np.ndarray:
    level = np.where(a == b, 1, 2).astype(np.int8)
    level[(a == missing) | (b == missing)] = 0
    return level


def _places(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Places compare as same, similar (a typo, a space: "Coolar oo", "Barquisimento") or
    different, each distinct pair of place names measured once."""
    a, b = t.place[i], t.place[j]
    level = np.full(len(i), 3, np.int8)
    level[a == b] = 1
    check = (a >= 0) & (b >= 0) & (a != b)
    if check.any():
        key = a[check].astype(np.int64) * (1 << 32) + b[check]
        uniq, inv = np.unique(key, return_inverse=True)
        words = t.place_text
        left = [words[k >> 32].replace(" ", "") for k in uniq.tolist()]
        right = [words[k & 0xFFFFFFFF].replace(" ", "") for k in uniq.tolist()]
        jw = cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1)
        level[np.flatnonzero(check)[jw[inv] >= PLACE_JW]] = 2
    level[(a < 0) | (b < 0)] = 0
    return level


def levels(t: Table, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(pairs, fields) int8 levels for the pairs (i[k], j[k]) of rows of `t`."""
    given, family = _given(t, i, j), _family(t, i, j)
    # given names and surnames typed into each other's boxes: one crosswise pair sounds
    # alike, the other at least looks alike (either surname: "Villalobos Zambrano" typed as
    # the given names of Luciana Zambrano Villalobos)
    gi, fj, fi, gj = t.g_snd[i, 0], t.f_snd[j, 0], t.f_snd[i, 0], t.g_snd[j, 0]
    fi2, fj2 = t.f_snd[i, 1], t.f_snd[j, 1]
    sound = ((gi == fj) | (gi == fj2)) & (gi >= 0) | ((gj == fi) | (gj == fi2)) & (gj >= 0)
    maybe = np.flatnonzero((given >= 5) & (family >= 4) & sound)
    crossed = np.zeros(len(i), bool)
    if len(maybe):
        ii, jj = i[maybe], j[maybe]

        def alike(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return (a >= 0) & ((a == b) | (_jw_tokens(t, a, b) >= TOKEN_JW))

        same1 = alike(t.g_tok[ii, 0], t.f_tok[jj, 0]) | alike(t.g_tok[ii, 0], t.f_tok[jj, 1])
        same2 = alike(t.g_tok[jj, 0], t.f_tok[ii, 0]) | alike(t.g_tok[jj, 0], t.f_tok[ii, 1])
        crossed[maybe] = same1 & same2
    given[crossed], family[crossed] = 3, 3
    cols = [
        given,
        family,
        _dates(t, i, j),
        _same(t.sex[i], t.sex[j], 0),
        _documents(t, i, j),
        _same(t.phone[i], t.phone[j]),
        _places(t, i, j),
        _same(t.nat[i], t.nat[j]),
    ]
    return np.column_stack(cols)


GIVEN, FAMILY, DOB, SEX, DOC = 0, 1, 2, 3, 4
DATE_DIFFERENT = LEVELS["birth_date"].index("different")
NAMES_DIFFER = tuple(
    LEVELS["given_names"].index(x) for x in ("second_differs", "partial", "different")
)
DOC_SAME = LEVELS["document_number"].index("exact")
DOC_ONE_EDIT = LEVELS["document_number"].index("one_edit")
SEX_DIFFERENT = LEVELS["sex"].index("different")


def compatible(lv: np.ndarray) -> np.ndarray:
    """Could these two records be one person? Relatives are told apart here.

    Brothers, sisters and twins share surnames, phone, place and sometimes the birth date;
    their given names differ (María Gabriela and María Daniela are sisters). A parent and a
    child named after them share the whole name but not the generation. So: given names
    that clearly differ, or birth dates that clearly differ (further apart than two
    siblings' can be, and not one slip apart), mean two people.

    The same document number excuses one such contradiction (a name or a date written
    wrongly beside the right number), never two: a child registered with the cédula of the
    mother who presents them has another name and another generation (or sex) than she has,
    and so has a brother registered with the same borrowed number.
    """
    return ~looks_related(lv) | ((lv[:, DOC] == DOC_SAME) & ~two_people(lv))


def looks_related(lv: np.ndarray) -> np.ndarray:
    """Given names or birth dates that clearly differ: relatives, not one person."""
    return names_differ(lv) | dates_differ(lv)


def two_people(lv: np.ndarray) -> np.ndarray:
    """Evidence no shared document outweighs: given names that differ together with a birth
    date or a sex that differs (a parent's cédula carried by a child, a twin's by a twin)."""
    return names_differ(lv) & (dates_differ(lv) | (lv[:, SEX] == SEX_DIFFERENT))


def names_differ(lv: np.ndarray) -> np.ndarray:
    return np.isin(lv[:, GIVEN], NAMES_DIFFER)


def dates_differ(lv: np.ndarray) -> np.ndarray:
    # a cédula one slip away overrides the date (parents and children have numbers decades
    # apart) but not the name (brothers' cédulas, issued the same day, can be consecutive)
    return (lv[:, DOB] == DATE_DIFFERENT) & (lv[:, DOC] != DOC_ONE_EDIT)


SHARED_GROUP = 200  # records of one document number looked at, at most


def mark_shared_documents(t: Table) -> np.ndarray:
    """Mark (on `t`, and return) the document numbers that two people hold: among the
    records that carry one number, a pair the relatives rule can tell apart even so
    (`two_people`: a child registered with a parent's cédula, another name and another
    generation). Agreeing on such a number is then no evidence at all, so two children
    carrying the same borrowed cédula (twins, brothers) are judged on their names and
    dates like any other relatives."""
    from caminantes.identity.engine.blocking import pairs_from_keys

    shared = np.zeros(max(len(t.doc_text), 1), bool)
    t.doc_shared = None
    rows = np.flatnonzero(t.doc >= 0)
    if len(rows) > 1:
        keys = t.doc[rows].astype(np.int64)
        caps = np.full(len(rows), SHARED_GROUP, np.int32)
        i, j = pairs_from_keys(keys, rows, t.n, caps)
        if len(i):
            lv = levels(t, i, j)
            shared[t.doc[i[two_people(lv)]]] = True
    t.doc_shared = shared
    return shared

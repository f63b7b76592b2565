"""Records as columns of integer codes, so comparisons and blocking run vectorised in numpy.

Each raw column is factorised first and only its distinct values are normalised: a million
people have a few hundred thousand distinct name strings, and the rest is array indexing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from caminantes.identity.engine import normalise as nz
from caminantes.identity.engine.phonetic import phonetic
from caminantes.identity.engine.record import Record

MAX_GIVEN = 3
MAX_FAMILY = 2


class Vocab:
    """Strings -> dense integer codes (0, 1, 2...), with the strings kept for lookups."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.words: list[str] = []

    def code(self, word: str) -> int:
        c = self.codes.get(word)
        if c is None:
            c = self.codes[word] = len(self.words)
            self.words.append(word)
        return c


def _factorise(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    seen: dict[str, int] = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))
    return codes, list(seen)


@dataclass
class Table:
    n: int
    ids: list[str]
    tokens: Vocab  # name tokens (given and family share it, so swapped fields compare)
    sounds: Vocab
    g_tok: np.ndarray  # (n, 3) int32, -1 where absent
    g_snd: np.ndarray
    g_ini: np.ndarray  # (n, 3) bool: the token is an initial ("J.")
    g_n: np.ndarray
    g_full: np.ndarray  # code of the whole given name (term frequencies)
    f_tok: np.ndarray  # (n, 2)
    f_snd: np.ndarray
    f_mar: np.ndarray  # married surname token code, -1
    f_mar_snd: np.ndarray  # its sound code, -1
    f_n: np.ndarray
    f_full: np.ndarray  # code of the sorted surnames (term frequencies)
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    sex: np.ndarray  # 0 unknown, 1 F, 2 M
    doc: np.ndarray  # code, -1 none
    doc_type: np.ndarray  # code of the document's type (cedula, passport...), -1 unknown
    doc_text: list[str]
    phone: np.ndarray
    place: np.ndarray
    place_text: list[str]
    nat: np.ndarray
    full_names: Vocab = field(default_factory=Vocab)  # g_full / f_full codes -> text
    # per document code: held by two people (compare.mark_shared_documents), so agreeing
    # on it says nothing; None until marked
    doc_shared: np.ndarray | None = None


def _names(
    raws: list[str], parse, width: int, tokens: Vocab, sounds: Vocab, full: Vocab, given: bool
) -> tuple[np.ndarray, ...]:
    u = len(raws)
    tok = np.full((u, width), -1, np.int32)
    snd = np.full((u, width), -1, np.int32)
    ini = np.zeros((u, width), bool)
    cnt = np.zeros(u, np.int8)
    whole = np.full(u, -1, np.int32)
    mar = np.full(u, -1, np.int32)
    mar_snd = np.full(u, -1, np.int32)
    prefix = "g:" if given else "f:"
    for k, raw in enumerate(raws):
        name = parse(raw)
        words = name.tokens[:width]
        for p, (w, s) in enumerate(zip(words, name.sounds, strict=False)):
            tok[k, p] = tokens.code(w)
            snd[k, p] = sounds.code(s)
            ini[k, p] = len(w) == 1
        cnt[k] = len(words)
        if words:
            key = " ".join(words if given else sorted(words))
            whole[k] = full.code(prefix + key)
        if not given and name.married:
            mar[k] = tokens.code(name.married)
            mar_snd[k] = sounds.code(phonetic(name.married))
    return tok, snd, ini, cnt, whole, mar, mar_snd


def _coded(values: list[str], fn) -> tuple[np.ndarray, list[str]]:
    codes, uniq = _factorise(values)
    vocab = Vocab()
    mapped = np.array([vocab.code(v) if v else -1 for v in map(fn, uniq)], np.int32)
    return (mapped[codes] if len(uniq) else np.zeros(0, np.int32)), vocab.words


def build(records: Sequence[Record]) -> Table:
    n = len(records)
    tokens, sounds, full = Vocab(), Vocab(), Vocab()
    cols = {f: [getattr(r, f) or "" for r in records] for f in Record.__dataclass_fields__}

    gc, guniq = _factorise(cols["given_names"])
    g = _names(guniq, nz.given_name, MAX_GIVEN, tokens, sounds, full, True)
    fc, funiq = _factorise(cols["family_names"])
    f = _names(funiq, nz.family_name, MAX_FAMILY, tokens, sounds, full, False)

    dc, duniq = _factorise(cols["birth_date"])
    ymd = np.array([nz.birth_date(v) for v in duniq] or [(0, 0, 0)], np.int16)[dc]

    doc, doc_words = _coded(cols["document_number"], nz.document)
    place, place_words = _coded(cols["birth_place"], nz.place)
    sex = np.array([{"F": 1, "M": 2}.get(nz.sex(v), 0) for v in cols["sex"]], np.int8)
    return Table(
        n=n,
        ids=cols["record_id"],
        tokens=tokens,
        sounds=sounds,
        g_tok=g[0][gc],
        g_snd=g[1][gc],
        g_ini=g[2][gc],
        g_n=g[3][gc],
        g_full=g[4][gc],
        f_tok=f[0][fc],
        f_snd=f[1][fc],
        f_mar=f[5][fc],
        f_mar_snd=f[6][fc],
        f_n=f[3][fc],
        f_full=f[4][fc],
        year=ymd[:, 0],
        month=ymd[:, 1],
        day=ymd[:, 2],
        sex=sex,
        doc=doc,
        doc_type=_coded(cols["document_type"], lambda v: v.strip().casefold())[0],
        doc_text=doc_words,
        phone=_coded(cols["phone"], nz.phone)[0],
        place=place,
        place_text=place_words,
        nat=_coded(cols["nationality"], lambda v: v.strip().upper())[0],
        full_names=full,
    )

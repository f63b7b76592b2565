"""Fellegi-Sunter scoring: m and u per comparison level, term frequencies for names.

A pair's match weight is the log2 Bayes factor summed over the fields (a missing field adds
nothing), plus the prior odds that two records of a population of `population` people are
one person, plus a term-frequency correction: agreeing on "María José González" says less
than agreeing on "Yorbelis Urribarrí". Birth dates get the same correction on their day
and month: registrars who do not know a date write 1 January or 1 July, so two records
agreeing on 1 January 1990 say much less than two agreeing on 17 March 1990. Pairs that
`compare.compatible` rules out (relatives) get `RELATIVES_PENALTY` on top, so they never
reach a merge threshold.

`train` estimates u from random pairs (the exact-agreement u from the value frequencies,
which random sampling cannot see), m from the pairs that share a document number, and the
share of matches by expectation maximisation with m and u held fixed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from caminantes.identity.engine.compare import DOB, FIELDS, LEVELS, compatible, levels
from caminantes.identity.engine.table import Table

DEFAULT_PATH = Path(__file__).parent / "data" / "default_model.json"
RELATIVES_PENALTY = -30.0
TF_FIELDS = {"given_names": "g:", "family_names": "f:"}
DAYS = 13 * 32  # month * 32 + day codes of the birth dates' day and month
MIN_M = 1e-4
MIN_U = 1e-9


@dataclass
class Model:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    duplicates_per_record: float = 0.3  # how many other records of the same person, on average
    population: int = 1_000_000  # the size of the registry compare() scores against
    threshold: float = 0.9  # probability above which dedupe() joins two records
    # Keep relatives apart by rule (compare.compatible). `train` turns it off for data
    # where records sharing a document number often disagree on name or date (FEBRL's
    # corruptions do that; households do not).
    relatives_rule: bool = True
    tf: dict[str, dict[str, float]] = field(default_factory=dict)

    # --- persistence ---------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "duplicates_per_record": self.duplicates_per_record,
                "population": self.population,
                "threshold": self.threshold,
                "relatives_rule": self.relatives_rule,
                "levels": {f: list(LEVELS[f]) for f in FIELDS},
                "m": {f: [round(x, 7) for x in v] for f, v in self.m.items()},
                "u": {f: [float(f"{x:.4g}") for x in v] for f, v in self.u.items()},
                "tf": {f: {k: float(f"{x:.4g}") for k, x in v.items()} for f, v in self.tf.items()},
            },
            indent=1,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        for f, saved in data.get("levels", {}).items():
            if f in LEVELS and tuple(saved) != LEVELS[f] and set(saved) <= set(LEVELS[f]):
                # a model saved before a level was added: the new level gets the m and u
                # of "different" (the level it was split from), so it scores as before
                for name in ("m", "u"):
                    old = dict(zip(saved, data[name][f], strict=True))
                    data[name][f] = [old.get(lv, old.get("different", 0.0)) for lv in LEVELS[f]]
        for f in FIELDS:
            if len(data["m"][f]) != len(LEVELS[f]) or len(data["u"][f]) != len(LEVELS[f]):
                raise ValueError(f"model: {f} has the wrong number of levels")
        return cls(
            m=data["m"],
            u=data["u"],
            duplicates_per_record=data.get("duplicates_per_record", 0.3),
            population=data.get("population", 1_000_000),
            threshold=data.get("threshold", 0.9),
            relatives_rule=data.get("relatives_rule", True),
            tf=data.get("tf", {}),
        )

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    # --- scoring -------------------------------------------------------------------------

    def prior_weight(self, population: int | None = None) -> float:
        n = max(2, population or self.population)
        lam = min(0.5, self.duplicates_per_record / (n - 1))
        return math.log2(lam / (1 - lam))

    def level_weights(self) -> list[np.ndarray]:
        key = (id(self.m), id(self.u))
        cached = self.__dict__.get("_weights")
        if cached is not None and cached[0] == key:
            return cached[1]
        out = []
        for f in FIELDS:
            m = np.maximum(np.array(self.m[f], float), MIN_M)
            u = np.maximum(np.array(self.u[f], float), MIN_U)
            w = np.log2(m / u)
            w[0] = 0.0  # missing: no evidence either way
            out.append(w)
        self.__dict__["_weights"] = (key, out)
        return out

    def tf_lookup(self, t: Table) -> dict[str, np.ndarray]:
        """Frequency of each full-name code of `t` from the model's table (scalar path)."""
        out = {}
        words = t.full_names.words
        for f, prefix in TF_FIELDS.items():
            table = self.tf.get(f, {})
            floor = min(table.values()) if table else 0.0
            out[f] = np.array(
                [table.get(w[2:], floor) if w.startswith(prefix) else 0.0 for w in words] or [0],
                float,
            )
        days = self.tf.get("birth_date")
        if days:  # a model trained on data has the birthdays' table too
            out["birth_date"] = days_from_keys(days)
        return out

    def score(
        self,
        t: Table,
        i: np.ndarray,
        j: np.ndarray,
        lv: np.ndarray | None = None,
        tf: dict[str, np.ndarray] | None = None,
        population: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(match weights, probabilities, levels) for the pairs (i, j) of `t`."""
        if lv is None:
            lv = levels(t, i, j)
        if tf is None:
            tf = self.tf_lookup(t)
        weights = self.level_weights()
        w = np.full(len(i), self.prior_weight(population))
        for k, wk in enumerate(weights):
            w += wk[lv[:, k]]
        for k, (f, codes) in enumerate((("given_names", t.g_full), ("family_names", t.f_full))):
            freq = tf.get(f)
            if freq is None or not freq.any():
                continue
            exact = lv[:, k] == 1
            u_exact = max(self.u[f][1], MIN_U)
            p = np.maximum(freq[np.maximum(codes[i[exact]], 0)], 1e-7)
            w[exact] += np.clip(np.log2(u_exact / p), -10, 10)
        days = tf.get("birth_date")
        if days is not None and days.any():
            # the day and month's own frequency against the average one (sum of p squared)
            md = day_codes(t.month[i], t.day[i])
            exact = np.flatnonzero((lv[:, DOB] == 1) & (md >= 0))
            p = np.maximum(days[md[exact]], 1e-7)
            w[exact] += np.clip(np.log2(float((days * days).sum()) / p), -10, 10)
        if self.relatives_rule:
            w[~compatible(lv)] += RELATIVES_PENALTY
        prob = 1.0 / (1.0 + np.exp2(-np.clip(w, -60, 60)))
        return w, prob, lv


def data_tf(t: Table) -> dict[str, np.ndarray]:
    """Frequencies of the full given names and surnames in the data itself (batch path)."""
    size = max(len(t.full_names.words), 1)
    out = {}
    for f, codes in (("given_names", t.g_full), ("family_names", t.f_full)):
        counts = np.bincount(codes[codes >= 0], minlength=size).astype(float)
        out[f] = counts / max(t.n, 1)
    out["birth_date"] = day_frequencies(t)
    return out


def day_codes(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """month * 32 + day, or -1 where the two are not a calendar's day and month (unknown, or
    an impossible date kept for comparison: 1990-39-25)."""
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    return np.where(valid, month.astype(np.int64) * 32 + day, -1)


def day_key(code: int) -> str:
    """The "MM-DD" a model's birthday table is saved under."""
    return f"{code // 32:02d}-{code % 32:02d}"


def days_from_keys(shares: dict[str, float]) -> np.ndarray:
    """A birthday table {"MM-DD": share} as the array `score` reads (by `day_codes`)."""
    days = np.zeros(DAYS)
    for key, share in shares.items():
        month, day = key.split("-")
        days[int(month) * 32 + int(day)] = share
    return days


def day_frequencies(t: Table) -> np.ndarray:
    """Share of each day and month (`day_codes`) among the full birth dates of `t`."""
    md = day_codes(t.month, t.day)
    md = md[(t.year > 0) & (md >= 0)]
    counts = np.bincount(md, minlength=DAYS).astype(float)
    return counts / max(counts.sum(), 1.0)


@cache
def default_model() -> Model:
    """The shipped parameters (data/default_model.json), usable without training."""
    return Model.load(DEFAULT_PATH)

from __future__ import annotations

from collections import defaultdict

import numpy as np

from caminantes.identity.engine import Record, blocking_keys, dedupe
from caminantes.identity.engine.blocking import candidate_pairs
from caminantes.identity.engine.table import build

FAMILY = [
    # the mother, twice
    Record("m1", "Yusmary Carolina", "Rivas Colmenares", "F", "1985-03-17", "VEN", "cedula",
           "V-16.234.981", "+57 310 555 1234", "Táchira"),
    Record("m2", "YUSMARI", "RIVAS DE PEÑA", "F", "1985-17-03", "VEN", "", "16234981",
           "3105551234", ""),
    # the twins: same date, surnames, phone and place; different names
    Record("t1", "Santiago José", "Peña Rivas", "M", "2015-06-02", "VEN", "", "",
           "+57 310 555 1234", "Táchira"),
    Record("t2", "Sebastián José", "Peña Rivas", "M", "2015-06-02", "VEN", "", "",
           "+57 310 555 1234", "Táchira"),
    Record("t3", "Santiago", "Pena Rivas", "M", "2015-02-06", "VEN", "", "", "", "Táchira"),
    # the sister, born a year later
    Record("s1", "Valentina", "Peña Rivas", "F", "2016-09-11", "VEN", "", "",
           "+57 310 555 1234", "Táchira"),
    # the father, and his son named after him
    Record("f1", "José Gregorio", "Peña Mora", "M", "1982-01-30", "VEN", "cedula",
           "V-15.003.442", "+57 310 555 1234", "Mérida"),
    Record("f2", "José Gregorio", "Peña Rivas", "M", "2008-04-19", "VEN", "", "",
           "+57 310 555 1234", "Táchira"),
    Record("f3", "Goyo", "Peña Mora", "M", "1982-01-30", "VEN", "", "15003442", "", ""),
]  # fmt: skip


def test_it_finds_each_person_and_keeps_relatives_apart():
    clusters = dedupe(FAMILY)
    groups = defaultdict(set)
    for rid, cid in clusters.items():
        groups[cid].add(rid)
    assert sorted(map(sorted, groups.values())) == sorted(
        [["m1", "m2"], ["t1", "t3"], ["t2"], ["s1"], ["f1", "f3"], ["f2"]]
    )


def test_it_gives_one_line_per_record():
    assert set(dedupe(FAMILY)) == {r.record_id for r in FAMILY}
    assert dedupe([]) == {}


def test_it_blocks_the_batch_as_the_registry_keys_do():
    """The integer keys of the batch give the same candidates as the registry's strings."""
    table = build(FAMILY)
    i, j = candidate_pairs(table)
    batch = set(zip(i.tolist(), j.tolist(), strict=True))
    by_key = defaultdict(set)
    for k, r in enumerate(FAMILY):
        for key in blocking_keys(r):
            by_key[key].add(k)
    strings = {(a, b) for rows in by_key.values() for a in rows for b in rows if a < b}
    assert batch == strings
    assert np.all(i < j)

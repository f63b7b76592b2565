from __future__ import annotations

from collections import defaultdict

import numpy as np

from caminantes.identity.engine import Record, blocking_keys, dedupe
from caminantes.identity.engine.blocking import (
    NO_REFINEMENT,
    WEAK_BLOCK,
    candidate_pairs,
    pairs_from_keys,
)
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


def test_a_block_too_big_is_split_not_dropped():
    """50 rows share a key (cap 10): the two that also share the refinement still pair."""
    keys = np.zeros(50, np.int64)
    rows = np.arange(50, dtype=np.int64)
    caps = np.full(50, 10, np.int32)
    year = np.arange(1950, 2000, dtype=np.int64)
    year[7] = year[42]
    refine = np.column_stack([year, np.full(50, NO_REFINEMENT)])
    i, j = pairs_from_keys(keys, rows, 50, caps, refine)
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(7, 42)]
    # without a refinement the oversized block is skipped, as before
    i, _ = pairs_from_keys(keys, rows, 50, caps)
    assert len(i) == 0


def test_a_common_name_keeps_its_weak_key_when_it_outgrows_the_cap():
    """60 men and women called Yorbelis Urribarrí: the name-only key's block is over its cap,
    is split by sex, and the two records of one woman (no date on one, a second surname on
    the other: no other key in common) are still compared."""
    others = [
        Record(f"o{k}", "Yorbelis", "Urribarrí Páez", "F" if k < 5 else "M",
               f"{1950 + k}-02-03", "VEN", "", "", "", "")
        for k in range(60)
    ]  # fmt: skip
    a = Record("a", "Yorbelis", "Urribarrí", "F", "", "VEN", "", "", "", "Zulia")
    b = Record("b", "Yorbelis", "Urribarrí Soto", "F", "1990-03-04", "VEN", "", "", "", "Zulia")
    records = [*others, a, b]
    assert set(blocking_keys(a)) & set(blocking_keys(b)) == {"W:jorbelis:uribari"}
    by_key = sum(1 for r in records if "W:jorbelis:uribari" in blocking_keys(r))
    assert by_key > WEAK_BLOCK
    i, j = candidate_pairs(build(records))
    assert (60, 61) in set(zip(i.tolist(), j.tolist(), strict=True))


def test_the_relatives_rule_is_checked_against_the_data():
    """Where records with one document number often disagree on the given name (FEBRL's
    corruptions), the data says the rule is wrong there: dedupe turns it off, as --train
    does. Siblings have their own documents, so households keep it."""
    names = ["Ana", "Luisa", "Carmen", "Rosa", "Elena", "Sofía", "Julia", "Marta"]
    records = []
    for k in range(80):
        date = f"{1950 + k % 50}-{1 + k % 12:02d}-{1 + k % 28:02d}"
        doc = f"V-{10_000_000 + 7919 * k}"
        records += [
            Record(f"a{k}", names[k % 8], f"Apellido{k} Soto", "F", date, "VEN", "", doc),
            Record(f"b{k}", names[(k + 3) % 8], f"Apellido{k} Soto", "F", date, "VEN", "", doc),
        ]
    clusters = dedupe(records)
    assert all(clusters[f"a{k}"] == clusters[f"b{k}"] for k in range(80))
    # the same data without documents: nothing says the rule is wrong, relatives stay apart
    bare = [Record(r.record_id, r.given_names, r.family_names, "F", r.birth_date) for r in records]
    clusters = dedupe(bare)
    assert not any(clusters[f"a{k}"] == clusters[f"b{k}"] for k in range(80))


def test_training_reads_m_off_the_pairs_that_share_a_document():
    """Records with one document number are one person: how they agree on the other fields
    is m, read directly instead of by EM (which also takes in namesakes and households)."""
    from caminantes.identity.engine.compare import LEVELS
    from caminantes.identity.engine.model import default_model
    from caminantes.identity.engine.train import ANCHOR_PAIRS, m_from_documents

    width = len(LEVELS)
    same = np.zeros((ANCHOR_PAIRS, width), np.int8)
    same[:, :] = 1  # every field agrees...
    same[: ANCHOR_PAIRS // 4, 0] = 3  # ...but a quarter have a similar given name
    other = np.full((500, width), 2, np.int8)
    other[:, 4] = 3  # different documents: not used
    m = m_from_documents(np.vstack([same, other]), default_model())
    assert m is not None
    assert 0.2 < m["given_names"][3] < 0.3
    assert m["given_names"][1] > 0.7
    assert m["birth_date"][1] > 0.95
    assert m_from_documents(same[:50], default_model()) is None


def test_a_chain_of_two_strong_pairs_does_not_join_people_who_do_not_match():
    """A-B and B-C look like one person each, A and C do not (nothing rules them apart as
    relatives, they just do not match): A and C are not put in one cluster through B."""
    from caminantes.identity.engine.cluster import cluster

    prob = {(0, 1): 0.99, (1, 2): 0.95, (0, 2): 0.02}

    def scorer(a, b):
        return np.array([prob[p] for p in zip(a.tolist(), b.tolist(), strict=True)]), np.ones(
            len(a), bool
        )

    i, j = np.array([0, 1]), np.array([1, 2])
    p = np.array([prob[0, 1], prob[1, 2]])
    label = cluster(3, i, j, p, np.ones(2, bool), 0.9, scorer)
    assert label.tolist() == [0, 0, 2]
    # when the ends match well enough on average, the three are one person
    prob[0, 2] = 0.4
    assert cluster(3, i, j, p, np.ones(2, bool), 0.9, scorer).tolist() == [0, 0, 0]


def test_agreeing_on_1_january_says_less_than_agreeing_on_a_real_birthday():
    """Registrars who do not know a date write 1 January: in data full of them, two
    namesakes born on 1 January 1990 are weaker evidence than two born on 17 March 1990."""
    from caminantes.identity.engine.model import data_tf, default_model

    filler = [
        Record(f"x{k}", f"Nombre{k}", f"Apellido{k}", "F",
               f"{1950 + k % 50}-01-01" if k % 4 == 0 else f"{1950 + k % 50}-{1 + k % 12:02d}-"
               f"{1 + k % 28:02d}")
        for k in range(400)
    ]  # fmt: skip
    pairs = [
        Record("a1", "Ana", "Soto", "F", "1990-01-01"),
        Record("a2", "Ana", "Soto", "F", "1990-01-01"),
        Record("b1", "Luz", "Mora", "F", "1990-03-17"),
        Record("b2", "Luz", "Mora", "F", "1990-03-17"),
    ]
    t = build(filler + pairs)
    n = len(filler)
    model = default_model()
    i, j = np.array([n, n + 2]), np.array([n + 1, n + 3])
    plain, _, _ = model.score(t, i, j, tf={})
    adjusted, _, _ = model.score(t, i, j, tf={"birth_date": data_tf(t)["birth_date"]})
    assert plain[0] == plain[1]
    assert adjusted[0] < plain[0] - 1  # 1 January: a quarter of the dates
    assert adjusted[1] > plain[1]  # 17 March: rarer than the average day


def test_training_without_documents_keeps_the_shipped_m():
    """m is read off records that share a document number; with none, the shipped m stay
    (EM for m on its own learnt households and namesakes) and only u and the share of
    matches come from the data."""
    from caminantes.identity.engine.compare import FIELDS
    from caminantes.identity.engine.model import default_model
    from caminantes.identity.engine.train import chunked_levels, train

    bare = [Record(r.record_id, r.given_names, r.family_names, r.sex, r.birth_date)
            for r in FAMILY]  # fmt: skip
    t = build(bare)
    i, j = candidate_pairs(t)
    shipped = default_model()
    model = train(t, chunked_levels(t, i, j), shipped)
    for f in FIELDS:
        if f != "birth_date":  # its "months apart" level is capped, see train
            assert model.m[f] == shipped.m[f]
    assert model.u != shipped.u


def test_levels_in_chunks_on_several_threads_are_the_levels_in_one_go(monkeypatch):
    from caminantes.identity.engine import train
    from caminantes.identity.engine.compare import levels

    t = build(FAMILY)
    i, j = np.triu_indices(len(FAMILY), 1)
    monkeypatch.setattr(train, "CHUNK", 5)
    monkeypatch.setattr(train, "_cores", lambda: 2)
    assert (train.chunked_levels(t, i, j) == levels(t, i, j)).all()


def test_training_on_pairs_that_are_all_relatives_still_gives_a_usable_model():
    """Every candidate pair ruled out as relatives: no share of matches to estimate, and the
    model must still score (no NaN that would silently join or split everyone)."""
    from caminantes.identity.engine.model import default_model
    from caminantes.identity.engine.train import chunked_levels, train

    twins = [FAMILY[2], FAMILY[3], FAMILY[5]]  # Santiago, Sebastián, Valentina
    t = build(twins)
    i, j = candidate_pairs(t)
    model = train(t, chunked_levels(t, i, j), default_model())
    assert np.isfinite(model.duplicates_per_record)
    assert len(set(dedupe(twins, model).values())) == 3


def test_an_impossible_birth_date_shared_by_two_records_does_not_stop_the_run(monkeypatch):
    """Dates are kept as typed for comparison (1990-39-25); the birthday frequencies only
    know calendar days, and two records agreeing on such a date once crashed the batch."""
    from caminantes.identity.engine import batch

    monkeypatch.setattr(batch, "SMALL", 2)  # frequencies from the data, as from 2,000 rows
    records = [
        *FAMILY,
        Record("x1", "Ana", "Soto", "F", "1990-39-25"),
        Record("x2", "Ana", "Soto", "F", "1990-39-25"),
    ]
    clusters = dedupe(records)
    assert clusters["x1"] == clusters["x2"]


def test_a_trained_models_birthday_table_is_used_where_the_data_is_too_small():
    from caminantes.identity.engine.model import Model, default_model

    t = build(
        [
            Record("a", "Ana", "Soto", "F", "1990-01-01"),
            Record("b", "Ana", "Soto", "F", "1990-01-01"),
        ]
    )
    shipped = default_model()
    assert "birth_date" not in shipped.tf_lookup(t)
    saved = Model.from_json(shipped.to_json())
    saved.tf["birth_date"] = {"01-01": 0.2, "03-17": 0.003}
    days = saved.tf_lookup(t)["birth_date"]
    assert days[1 * 32 + 1] == 0.2
    i, j = np.array([0]), np.array([1])
    assert saved.score(t, i, j)[0][0] < shipped.score(t, i, j)[0][0]

from __future__ import annotations

from caminantes.identity.engine import Record, blocking_keys, compare, compare_many


def person(rid: str = "1", **kw: str) -> Record:
    base = dict(
        given_names="María Gabriela",
        family_names="González Pérez",
        sex="F",
        birth_date="1990-05-12",
        nationality="VEN",
        document_type="",
        document_number="",
        phone="+58 412 5551234",
        birth_place="Zulia",
    )
    base.update(kw)
    return Record(rid, **base)


def level(a: Record, b: Record, field: str) -> str:
    return compare(a, b).evidence[field]


def test_it_tolerates_the_usual_date_slips():
    a = person()
    assert level(a, person(birth_date="1990-12-05"), "birth_date") == "swapped"
    assert level(a, person(birth_date="1991-05-12"), "birth_date") == "one_part"
    assert level(a, person(birth_date="1990-05-21"), "birth_date") == "one_part"
    assert level(a, person(birth_date="1990-01-01"), "birth_date") == "estimated"
    assert level(a, person(birth_date="1995-08-30"), "birth_date") == "different"
    assert level(a, person(birth_date="1990-11-03"), "birth_date") == "months_apart"
    assert level(a, person(birth_date=""), "birth_date") == "missing"


def test_it_matches_a_cedula_with_or_without_prefix_and_one_slip():
    a = person(document_number="V-12.345.678")
    assert level(a, person(document_number="12345678"), "document_number") == "exact"
    assert level(a, person(document_number="V12345679"), "document_number") == "one_edit"
    assert level(a, person(document_number="12.354.678"), "document_number") == "one_edit"
    assert level(a, person(document_number="19876543"), "document_number") == "different"


def test_it_matches_the_same_woman_under_her_married_name():
    a = person(phone="", birth_place="")
    b = person("2", given_names="Ma. Gabriela", family_names="González de Rodríguez", phone="")
    result = compare(a, b)
    assert result.evidence["family_names"] == "subset"
    assert result.probability > 0.9


def test_it_matches_a_nickname_and_surnames_in_the_other_order():
    a = person(given_names="José Gregorio", family_names="Hernández Rivas", sex="M")
    b = person("2", given_names="Goyo", family_names="RIVAS ERNANDEZ", sex="M")
    assert compare(a, b).evidence["family_names"] == "similar"  # silent h
    assert level(a, person("4", family_names="RIVAS HERNÁNDEZ"), "family_names") == "exact"
    c = person("3", given_names="Pepe", family_names="Hernández Rivas", sex="M")
    assert compare(a, c).evidence["given_names"] in {"subset", "exact"}


def test_it_keeps_sisters_apart_even_with_everything_else_shared():
    a = person()
    sister = person("2", given_names="María Daniela", birth_date="1992-03-02")
    twin = person("3", given_names="María Alejandra")
    for other in (sister, twin):
        result = compare(a, other)
        assert result.probability < 0.01
        assert result.evidence["rule"] == "relatives"


def test_a_slip_in_the_first_letter_or_the_date_is_not_a_brother():
    """Dates closer than two siblings' can be, and a given name one edit away (Jaro-Winkler
    punishes a wrong first letter), are one person mistyped; a year apart is a brother."""
    a = person(given_names="Josué", family_names="Torres Rangel", sex="M")
    typo = person("2", given_names="Gosue", family_names="Torres Rangel", sex="M")
    assert compare(a, typo).evidence["given_names"] == "similar"
    assert compare(a, typo).probability > 0.9
    later = person("3", given_names="Josué", family_names="Torres Rangel", sex="M",
                   birth_date="1990-10-04")  # fmt: skip
    assert "rule" not in compare(a, later).evidence
    brother = person("4", given_names="Josué", family_names="Torres Rangel", sex="M",
                     birth_date="1991-09-30", phone="")  # fmt: skip
    assert compare(a, brother).evidence["rule"] == "relatives"
    short = person("5", given_names="Ana", family_names="Torres Rangel")
    assert (
        compare(short, person("6", given_names="Ada", family_names="Torres Rangel")).evidence[
            "rule"
        ]
        == "relatives"
    )


def test_it_keeps_a_son_named_after_his_father_apart():
    father = person(given_names="José Gregorio", sex="M", birth_date="1968-02-10")
    son = person("2", given_names="José Gregorio", sex="M", birth_date="1994-07-23")
    assert compare(father, son).probability < 0.01


def test_it_scores_many_candidates_as_it_scores_one():
    a = person()
    others = [person("2", given_names="Maria Gabriela"), person("3", given_names="Yusmary")]
    many = compare_many(a, others)
    assert [round(c.probability, 9) for c in many] == [
        round(compare(a, o).probability, 9) for o in others
    ]
    assert many[0].probability > 0.99 > many[1].probability


def test_it_gives_few_selective_blocking_keys():
    keys = blocking_keys(person(document_number="V-12.345.678"))
    assert "D:12345678" in keys
    assert 3 <= len(keys) <= 20
    assert len(set(keys)) == len(keys)
    assert set(blocking_keys(person(given_names="Ma. Gabriela"))) & set(keys)


def test_a_mistyped_place_is_similar():
    a = person(birth_place="Coolaroo")
    assert level(a, person(birth_place="coolar oo"), "birth_place") == "similar"
    assert level(a, person(birth_place="Coolaroo"), "birth_place") == "same"
    assert level(person(), person(birth_place="Lara"), "birth_place") == "different"


def test_a_model_saved_before_new_levels_still_loads():
    """Levels added since (months_apart, a similar place) score as "different" did."""
    import json

    from caminantes.identity.engine import Model, default_model

    data = json.loads(default_model().to_json())
    for f, gone in (("birth_date", "months_apart"), ("birth_place", "similar")):
        at = data["levels"][f].index(gone)
        for part in ("levels", "m", "u"):
            del data[part][f][at]
    old = Model.from_json(json.dumps(data))
    assert old.m["birth_date"][5] == old.m["birth_date"][6] == data["m"]["birth_date"][-1]
    assert old.u["birth_place"] == [data["u"]["birth_place"][k] for k in (0, 1, 2, 2)]

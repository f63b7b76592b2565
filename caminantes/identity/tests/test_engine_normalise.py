from __future__ import annotations

import pytest

from caminantes.identity.engine import normalise as nz
from caminantes.identity.engine.nicknames import expand, table
from caminantes.identity.engine.phonetic import phonetic


def test_it_folds_accents_case_and_punctuation():
    assert nz.fold("  JOSÉ   Ñañez-Güiraldes ") == "jose nanez guiraldes"


def test_it_expands_abbreviations_and_keeps_initials():
    assert nz.given_name("Ma. José").tokens == ("maria", "jose")
    assert nz.given_name("J. Gregorio").tokens == ("j", "gregorio")
    assert nz.given_name("María de los Ángeles").tokens == ("maria", "angeles")


def test_it_resolves_nicknames_even_to_compound_names():
    assert nz.given_name("Pepe").tokens == ("jose",)
    assert nz.given_name("Chucho").tokens == ("jesus",)
    assert nz.given_name("Lupe").tokens == ("guadalupe",)
    assert nz.given_name("Majo").tokens == ("maria", "jose")
    assert expand("paco") == "francisco"
    assert len(table()) >= 100


def test_it_drops_particles_and_keeps_the_married_name_apart():
    assert nz.family_name("de la Cruz Pérez").tokens == ("cruz", "perez")
    assert nz.family_name("Dos Santos").tokens == ("santos",)
    married = nz.family_name("González de Pérez")
    assert married.tokens == ("gonzalez",) and married.married == "perez"
    assert nz.family_name("Ponce de la Rosa").married == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("vanessa", "banesa"),
        ("zulay", "sulay"),
        ("cecilia", "sesilia"),
        ("yolimar", "llolimar"),
        ("hernandez", "ernandez"),
        ("jeraldine", "geraldine"),
        ("quintero", "kintero"),
        ("ximena", "jimena"),
        ("jhonny", "jonny"),
        ("wilmer", "wuilmer"),
        ("yeferson", "jeferson"),
    ],
)
def test_it_gives_sound_alike_spellings_one_key(a, b):
    assert phonetic(a) == phonetic(b)


def test_it_keeps_different_sounds_apart():
    assert phonetic("carla") != phonetic("karina")
    assert phonetic("chacon") != phonetic("cacon")


@pytest.mark.parametrize(
    "raw",
    ["1990-05-12", "19900512", "12/05/1990", " 1990-5-12 ", "1990-05-12 00:00:00",
     "12/05/1990 00:00"],
)  # fmt: skip
def test_it_reads_dates_in_the_forms_registrars_use(raw):
    assert nz.birth_date(raw) == (1990, 5, 12)


def test_it_keeps_impossible_dates_comparable():
    assert nz.birth_date("1990-02-31") == (1990, 2, 31)
    assert nz.birth_date("") == (0, 0, 0)


@pytest.mark.parametrize("raw", ["V-12.345.678", "v12345678", "12.345.678", "V 12345678"])
def test_it_reads_a_cedula_however_written(raw):
    assert nz.document(raw) == "12345678"


def test_it_reads_phones_as_e164_and_compares_their_tail():
    assert nz.phone_e164("0412-555 1234") == "+584125551234"
    assert nz.phone_e164("300 123 4567", "CO") == "+573001234567"
    assert nz.phone("+58 412 5551234") == nz.phone("04125551234")
    assert nz.phone("+57 300 123 4567") == nz.phone("300 123 4567")
    assert nz.phone("123") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("F", "F"), ("m", "M"), ("Mujer", "F"), ("MULHER", "F"), ("Femenino", "F"),
     ("Hombre", "M"), ("Masculino", "M"), ("male", "M"), ("Female", "F"), ("Varón", "M"),
     ("", ""), ("X", ""), ("otro", "")],
)  # fmt: skip
def test_it_reads_the_sex_as_registrars_write_it(raw, expected):
    # "Mujer" and "Mulher" start with M: read the word, not its first letter
    assert nz.sex(raw) == expected

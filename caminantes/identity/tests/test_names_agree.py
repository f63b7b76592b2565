"""The registry's search and the identity engine agree on names and document numbers."""

from __future__ import annotations

import pytest

from caminantes.identity.engine import normalise as nz
from caminantes.lib import names
from caminantes.lib.tests.test_names import SPELLINGS
from caminantes.registry import duplicates


def search_sounds(text: str) -> set[str]:
    return {k[1:] for k in names.search_keys(text) if k.startswith("~")}


@pytest.mark.parametrize("spellings", SPELLINGS)
def test_it_gives_the_same_sound_in_search_and_engine(spellings):
    for written in spellings:
        engine = set(nz.family_name(written).sounds)
        assert search_sounds(written) == engine
        assert engine == set(nz.family_name(spellings[0]).sounds)
        assert set(nz.given_name(written).sounds) == set(nz.given_name(spellings[0]).sounds)


def test_it_folds_a_name_the_same_way_in_search_and_engine():
    written = "Ma. de los Ángeles D'Angelo-Núñez"
    assert nz.given_name(written).tokens == tuple(names.tokens(written))
    assert nz.fold(written) == names.fold(written)


@pytest.mark.parametrize(
    "raw", ["V-12.345.678", "v12345678", "12 345 678", "012345678", "E-12345678", "AB 123456"]
)
def test_it_reads_a_document_number_the_same_way_in_registry_and_engine(raw):
    assert duplicates.normalise_document(raw) == nz.document(raw)

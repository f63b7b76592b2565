"""How `make test` shares the suite between its workers (conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from conftest import pytest_xdist_make_scheduler, split_scope

BROWSER_TEST = "tests/browser/test_transport.py::test_it_runs_the_demo_bus_from_a_phone"


def test_every_browser_test_is_one_unit() -> None:
    assert split_scope(BROWSER_TEST) == "browser"
    assert split_scope("tests/browser/test_identity.py::test_x[a::b]") == "browser"


def test_a_test_class_is_one_unit_and_module_functions_share_their_module() -> None:
    method = "caminantes/registry/tests/test_services.py::RegisterTest::test_it_saves"
    assert split_scope(method) == "caminantes/registry/tests/test_services.py::RegisterTest"
    function = "tests/test_settings.py::test_it_refuses_to_load_the_demo_without_debug"
    assert split_scope(function) == "tests/test_settings.py"


class _Config:
    def __init__(self, dist: str) -> None:
        self.option = SimpleNamespace(
            dist=dist, loadscopereorder=True, tx=["popen"] * 2, numprocesses=2
        )

    def getvalue(self, name: str) -> Any:
        return getattr(self.option, name)


def test_make_test_uses_these_units_in_the_collected_order() -> None:
    config = _Config("loadgroup")
    scheduler = pytest_xdist_make_scheduler(config, None)  # type: ignore[arg-type]
    assert scheduler._split_scope(BROWSER_TEST) == "browser"
    assert config.option.loadscopereorder is False  # browser first, then the long walks


def test_other_distribution_modes_are_left_to_xdist() -> None:
    assert pytest_xdist_make_scheduler(_Config("each"), None) is None  # type: ignore[arg-type]

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache

from caminantes.lib import ratelimit

# The counters live in the configured cache: the database cache in settings.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_it_allows_up_to_the_limit_then_refuses() -> None:
    answers = [ratelimit.hit("test:user:1", 3, 60) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert ratelimit.count("test:user:1", 60) == 5


def test_it_counts_each_key_on_its_own() -> None:
    for _ in range(3):
        ratelimit.hit("test:user:1", 3, 60)
    assert ratelimit.hit("test:user:2", 3, 60)
    assert not ratelimit.hit("test:user:1", 3, 60)


def test_a_new_window_starts_again() -> None:
    # The window's clock only: the cache keeps its own time for expiry.
    with mock.patch("caminantes.lib.ratelimit.time", mock.Mock(time=lambda: 1000.0)):
        for _ in range(4):
            ratelimit.hit("test:user:1", 3, 60)
        assert not ratelimit.hit("test:user:1", 3, 60)
    with mock.patch("caminantes.lib.ratelimit.time", mock.Mock(time=lambda: 1061.0)):
        assert ratelimit.hit("test:user:1", 3, 60)


def test_reset_forgets_the_attempts() -> None:
    for _ in range(4):
        ratelimit.hit("test:user:1", 3, 60)
    ratelimit.reset("test:user:1", 60)
    assert ratelimit.hit("test:user:1", 3, 60)


def test_it_refuses_a_limit_that_makes_no_sense() -> None:
    with pytest.raises(ValueError):
        ratelimit.hit("test:user:1", 0, 60)

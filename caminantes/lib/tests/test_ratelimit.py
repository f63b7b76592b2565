from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TransactionTestCase

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


class AtOnceTest(TransactionTestCase):
    """Requests at the same moment, each on its own connection, committed. Django's database
    cache increments by a read and then a write: before, six threads of 15 attempts left
    between 25 and 74 of their 90 counted (both databases). (The tables are emptied after
    the test; `serialized_rollback` puts back what the migrations seeded.)"""

    serialized_rollback = True

    def test_it_counts_every_attempt_of_requests_running_at_once(self) -> None:
        attempts, threads = 15, 6
        barrier = threading.Barrier(threads)
        answers: list[bool] = []

        def guess() -> None:
            try:
                barrier.wait()
                for _ in range(attempts):
                    answers.append(ratelimit.hit("test:ip:10.0.0.9", 50, 60))
            finally:
                connection.close()

        workers = [threading.Thread(target=guess) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert ratelimit.count("test:ip:10.0.0.9", 60) == attempts * threads
        assert answers.count(True) == 50  # exactly the limit got through, not one more


def test_the_count_is_no_value_the_cache_would_read() -> None:
    ratelimit.hit("test:user:1", 3, 60)
    slot = ratelimit._slot("test:user:1", 60)
    assert cache.get(slot) is None  # a key of its own: the cache API never sees it
    assert ratelimit.count("test:user:1", 60) == 1

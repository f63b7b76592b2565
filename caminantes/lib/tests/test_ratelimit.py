from __future__ import annotations

from django.test import TestCase

from caminantes.lib import ratelimit


class RateLimitTest(TestCase):
    def test_it_allows_up_to_the_limit_then_refuses(self) -> None:
        results = [ratelimit.hit("login:addr:203.0.113.9", limit=3, window=60) for _ in range(5)]
        self.assertEqual(results, [True, True, True, False, False])

    def test_each_key_counts_on_its_own(self) -> None:
        for _ in range(3):
            ratelimit.hit("a", limit=3, window=60)
        self.assertFalse(ratelimit.hit("a", limit=3, window=60))
        self.assertTrue(ratelimit.hit("b", limit=3, window=60))

    def test_a_long_key_with_any_characters_works(self) -> None:
        key = "login:user:" + "ñ" * 400 + " \n:"
        self.assertTrue(ratelimit.hit(key, limit=1, window=60))
        self.assertFalse(ratelimit.hit(key, limit=1, window=60))

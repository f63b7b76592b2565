# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""The API's one page-number pagination: ninja's, with the page number bounded.

Ninja's `page` has no upper bound, so `?page=18458946361124257792` became an OFFSET past
SQLite's 64-bit integers (a 500, "datatype mismatch"; PostgreSQL says "out of range"). The
page is capped at MAX_PAGE (a million pages of the largest page size is beyond any list
here) and the page size at MAX_PAGE_SIZE: a larger number is a 422 like any wrong input.
Every API list uses this class (tests/test_house_rules.py keeps ninja's out of the apps).
"""

from typing import Optional

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 10_000


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: Optional[int] = Field(None, ge=1, le=MAX_PAGE_SIZE)  # noqa: UP045

"""Dates people give: an age in years when the date of birth is not known."""

from __future__ import annotations

from datetime import date


def birth_date_from_age(years: int, today: date) -> date:
    """The estimated date of birth of someone `years` old on `today`: the last 1 July on which
    they turned that age. 1 July halves the error of a year, is what registrars write for
    "about" (the erasure keeps a year of birth the same way), and the duplicate check reads
    it as approximate."""
    year = today.year - years - (1 if (today.month, today.day) < (7, 1) else 0)
    return date(year, 7, 1)

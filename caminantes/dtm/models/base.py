"""Pieces several DTM tables share: the sex x age columns and their sum."""

from __future__ import annotations

from functools import reduce
from operator import add

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from caminantes.dtm.choices import CHILD_FIELDS, SEX_AGE_FIELDS


class SexAge(models.Model):
    """Eight columns: female/male x 0-5, 6-17, 18-59, 60+. Children are the 0-17 columns."""

    female_0_5 = models.PositiveIntegerField(_("girls 0-5"), default=0)
    female_6_17 = models.PositiveIntegerField(_("girls 6-17"), default=0)
    female_18_59 = models.PositiveIntegerField(_("women 18-59"), default=0)
    female_60_plus = models.PositiveIntegerField(_("women 60+"), default=0)
    male_0_5 = models.PositiveIntegerField(_("boys 0-5"), default=0)
    male_6_17 = models.PositiveIntegerField(_("boys 6-17"), default=0)
    male_18_59 = models.PositiveIntegerField(_("men 18-59"), default=0)
    male_60_plus = models.PositiveIntegerField(_("men 60+"), default=0)

    class Meta:
        abstract = True

    @property
    def children(self) -> int:
        return sum(getattr(self, f) for f in CHILD_FIELDS)

    @property
    def sex_age_total(self) -> int:
        return sum(getattr(self, f) for f in SEX_AGE_FIELDS)


def sex_age_sum() -> F:
    """The SQL expression female_0_5 + … + male_60_plus."""
    return reduce(add, (F(f) for f in SEX_AGE_FIELDS))


def sex_age_adds_up(name: str, total: str = "individuals") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{total: sex_age_sum()}), name=name)

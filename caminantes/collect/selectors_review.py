"""Reads of the review queue, scoped: a reviewer sees the submissions of the forms of the
organisations (and countries) where she holds REVIEW_SUBMISSIONS; nothing else exists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.permissions import PLATFORM_ROLES, Perm
from caminantes.collect.models import Form, Submission


def _forms_rule(user: Any) -> Q | None:
    rule: Q | None = None
    for g in policies.grants(user):
        if Perm.REVIEW_SUBMISSIONS not in g.perms:
            continue
        if g.role in PLATFORM_ROLES:
            return Q()
        q = Q(organization_id=g.organization_id) & (
            Q(country__isnull=True) | Q(country_id__in=g.country_ids)
        )
        if g.org_wide:
            q = Q(organization_id=g.organization_id)
        rule = q if rule is None else rule | q
    return rule


def forms_for_review(user: Any) -> QuerySet[Form]:
    rule = _forms_rule(user)
    if rule is None:
        return Form.objects.none()
    return Form.objects.filter(rule).select_related("organization").order_by("title")


def submissions_for_review(user: Any) -> QuerySet[Submission]:
    return Submission.objects.filter(form__in=forms_for_review(user)).select_related(
        "form", "form__organization"
    )


def get_form(user: Any, uuid: Any) -> Form:
    try:
        return forms_for_review(user).get(uuid=uuid)
    except (Form.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def get_submission(user: Any, uuid: Any) -> Submission:
    """404 whether missing or another organisation's; the read is audited (answers)."""
    try:
        sub = submissions_for_review(user).get(uuid=uuid)
    except (Submission.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    policies.record_reads(user, Submission, [sub])
    return sub

"""Every read of forms, app users and submissions, narrowed by the policy door."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.collect.models import AppUser, Form, FormVersion, Submission


def forms_for(*, user: Any) -> QuerySet[Form]:
    """The forms the user manages or reviews the submissions of."""
    managed = policies.visible(user, Form, Perm.MANAGE_FORMS).values("pk")
    reviewed = policies.visible(user, Form, Perm.REVIEW_SUBMISSIONS).values("pk")
    return (
        Form.objects.filter(pk__in=managed.union(reviewed))
        .select_related("organization", "country")
        .annotate(submission_count=Count("submissions"))
        .order_by("organization__acronym", "title")
    )


def get_form_for_user(*, user: Any, uuid: Any) -> Form:
    try:
        return forms_for(user=user).get(uuid=uuid)
    except (Form.DoesNotExist, ValueError, TypeError):
        # The policy door records a probe at another organisation's form.
        policies.get_for_user(user, Form, uuid)
        raise Http404 from None


def versions_of(form: Form) -> QuerySet[FormVersion]:
    return form.versions.order_by("-created_at").defer("xlsform", "xform").prefetch_related("media")


def app_users_of(*, user: Any, form: Form) -> QuerySet[AppUser]:
    return policies.visible(user, AppUser).filter(forms=form).order_by("revoked_at", "name")


def app_users_to_add(*, user: Any, form: Form) -> QuerySet[AppUser]:
    """The organisation's active app users that do not have this form yet (a team's
    device gets one more form)."""
    return (
        policies.visible(user, AppUser)
        .filter(organization=form.organization_id, revoked_at__isnull=True)
        .exclude(forms=form)
        .order_by("name")
    )


def get_app_user_for_user(*, user: Any, uuid: Any) -> AppUser:
    return policies.get_for_user(user, AppUser, uuid)


def submissions_of(*, user: Any, form: Form) -> QuerySet[Submission]:
    """The form's submissions the user may review (personal data: the caller audits the
    page it shows with `record_page`)."""
    return (
        policies.visible(user, Submission)
        .filter(form=form)
        .select_related("form_version", "app_user", "submitted_by")
        .defer("xml_encrypted", "answers_encrypted", "extra_answers_encrypted", "flags_encrypted")
        .order_by("-created_at")
    )


def record_page(*, user: Any, rows: list[Submission]) -> None:
    policies.record_reads(user, Submission, rows)

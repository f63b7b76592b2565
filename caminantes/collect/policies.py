"""Who may see and use the forms, app users and submissions.

Imported by `CollectConfig.ready()`.
- A form is its organisation's: seen by members holding MANAGE_FORMS (who upload versions
  and hand out app users) or REVIEW_SUBMISSIONS, in the form's country when it names one.
- An app user is seen with its forms, by MANAGE_FORMS.
- A submission is personal data (a household's answers): seen under REVIEW_SUBMISSIONS in
  the form's organisation and country, and every page of them is audited.
- A staff member submits from ODK Collect (Basic authentication) to a form of their
  organisation when their role does the work the form records (`may_submit`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from caminantes.accounts import policies
from caminantes.accounts.permissions import Perm
from caminantes.accounts.policies import Grant, Scope, register
from caminantes.collect import models as m


def in_form_country(prefix: str = "") -> Any:
    """A form naming no country is organisation-wide; one naming a country needs it."""

    def rule(grant: Grant) -> Q:
        if grant.org_wide:
            return Q()
        return Q(**{f"{prefix}country__isnull": True}) | Q(
            **{f"{prefix}country__in": grant.country_ids}
        )

    return rule


register(
    m.Form,
    Scope(
        permission=Perm.MANAGE_FORMS, organization="organization", country_rule=in_form_country()
    ),
)
register(
    m.AppUser,
    Scope(permission=Perm.MANAGE_FORMS, organization="organization"),
)
register(
    m.Submission,
    Scope(
        permission=Perm.REVIEW_SUBMISSIONS,
        organization="form__organization",
        country_rule=in_form_country("form__"),
        personal_data=True,
    ),
)

# The work a form records, and the permission that work needs (a registration form is
# filled by registration officers, a flow count by enumerators, a receipt by distributors).
SUBMIT_PERMS: dict[str, tuple[Perm, ...]] = {
    m.FormKind.HOUSEHOLD_REGISTRATION: (Perm.REGISTER_HOUSEHOLDS,),
    m.FormKind.FLOW_COUNT: (Perm.DTM_COLLECT,),
    m.FormKind.FLOW_SURVEY: (Perm.DTM_COLLECT,),
    m.FormKind.DISTRIBUTION_RECEIPT: (Perm.DISTRIBUTE,),
    m.FormKind.OTHER: (Perm.REVIEW_SUBMISSIONS, Perm.MANAGE_FORMS),
}


def may_submit(user: Any, form: m.Form) -> bool:
    """Whether a staff member (Basic authentication) may send this form's submissions."""
    return any(
        policies.has_perm(
            user, perm, organization_id=form.organization_id, country_id=form.country_id
        )
        for perm in SUBMIT_PERMS.get(form.kind, ())
    )


def may_manage(user: Any, organization_id: int, country_id: int | None = None) -> bool:
    return policies.has_perm(
        user, Perm.MANAGE_FORMS, organization_id=organization_id, country_id=country_id
    )

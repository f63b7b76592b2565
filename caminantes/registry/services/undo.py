"""Taking back a consent withdrawal made by mistake, for a few minutes (`lib.undo`).

What the withdrawal already set off is not taken back: the registry told its listeners
(`events.consent_withdrawn`) after it committed, and identity closed the tracing matches,
reunification cases and search requests that depended on a family-tracing consent, and
told their caseworkers a match closed. Reopening those would tell another organisation
again about a person whose wish was, for those minutes, not to be found, and the status
each match had before (pending or confirmed) is not kept. So the undo restores the consent
only: it counts again from now, for every later use, and a new search finds the person.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.lib.undo import UNDO_MINUTES, undo_open
from caminantes.registry import timeline
from caminantes.registry.models import Consent
from caminantes.registry.services.changes import VersionConflict
from caminantes.registry.services.checks import require_perm

UNDONE_SUMMARY = gettext_noop("Consent withdrawal undone: %(p)s")


def consent_given_again(consent: Consent) -> Consent | None:
    """A consent for the same purpose (and partner) recorded after this one was withdrawn."""
    if consent.withdrawn_at is None:
        return None
    return (
        Consent.objects.filter(
            person_id=consent.person_id,
            purpose=consent.purpose,
            recipient_id=consent.recipient_id,
            withdrawn_on__isnull=True,
        )
        .exclude(pk=consent.pk)
        .first()
    )


def consent_withdraw_undo(*, user: User, consent: Consent, version: int | None = None) -> Consent:
    """Within the window, the withdrawal is taken back (see the module's docstring for what
    stays closed). `version` must be the withdrawn consent's; refused once the person gave
    the consent again (a new record), since two would then count."""
    household = consent.person.household
    require_perm(user, Perm.MANAGE_CONSENT, household.organization, household.country)
    if consent.withdrawn_on is None:
        raise ValidationError(_("This consent is not withdrawn."))
    if not undo_open(consent.withdrawn_at):
        raise ValidationError(
            _("More than %(minutes)d minutes have passed: the withdrawal can no longer be undone.")
            % {"minutes": UNDO_MINUTES}
        )
    if consent_given_again(consent) is not None:
        raise ValidationError(
            _("A new consent for this purpose was recorded since: there is nothing to undo.")
        )
    with transaction.atomic():
        expected = consent.version if version is None else version
        swapped = Consent.objects.filter(
            pk=consent.pk, version=expected, withdrawn_on__isnull=False
        ).update(withdrawn_on=None, withdrawn_by=None, withdrawn_at=None, version=F("version") + 1)
        if not swapped:
            current = Consent.objects.values_list("version", flat=True).get(pk=consent.pk)
            raise VersionConflict(current)
        consent.refresh_from_db()
        log(user, actions.UPDATE, consent, withdrawn=False, undone=True)
        timeline.record(
            household,
            "consent",
            consent,
            None,
            UNDONE_SUMMARY,
            params={"p": [timeline.label(consent.get_purpose_display())]},
            actor=user,
            organization=household.organization,
        )
    return consent

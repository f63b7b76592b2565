"""A withdrawn consent's page and the undo of its withdrawal (for a few minutes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.permissions import Perm
from caminantes.lib.undo import UNDO_MINUTES, undo_until
from caminantes.registry import selectors, services
from caminantes.registry.models import Consent
from caminantes.registry.services.undo import consent_given_again


def consent_withdrawn(request: AuthenticatedRequest, consent: Consent) -> HttpResponse:
    """What the withdrawal stopped, and the undo while it is offered."""
    offered = consent_given_again(consent) is None
    return render(
        request,
        "registry/consent_withdrawn.html",
        {
            "consent": consent,
            "person": consent.person,
            "household": consent.person.household,
            "tracing": consent.purpose == Consent.Purpose.FAMILY_TRACING,
            "undo_until": undo_until(consent.withdrawn_at) if offered else None,
            "minutes": UNDO_MINUTES,
        },
    )


@require_POST
@perm_required(Perm.MANAGE_CONSENT)
def consent_withdraw_undo(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    consent = selectors.consent_detail(user=request.user, uuid=uuid)
    try:
        version = int(request.POST.get("version", consent.version))
        services.consent_withdraw_undo(user=request.user, consent=consent, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("consent_withdraw", uuid=consent.uuid)
    except (ValueError, services.VersionConflict) as exc:
        messages.error(request, str(exc) if str(exc) else _("Reload and try again."))
        return redirect("consent_withdraw", uuid=consent.uuid)
    messages.success(request, _("Withdrawal undone: the consent counts again from now."))
    return redirect("household_detail", uuid=consent.person.household.uuid)

"""Writes of DTM reference data and corrections: permission check, change, audit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.dtm import rollup
from caminantes.dtm.models import CollectiveSite, FlowCount, FlowMonitoringPoint, Operation, Round
from caminantes.lib.undo import UNDO_MINUTES, undo_open


def _organization_and_country(obj: models.Model) -> tuple[int, int | None]:
    if isinstance(obj, Operation):
        return obj.organization_id, None
    if isinstance(obj, Round):
        return obj.operation.organization_id, None
    if isinstance(obj, FlowMonitoringPoint | CollectiveSite):
        return obj.organization_id, obj.country_id
    raise TypeError(type(obj).__name__)


def _require(actor: User, perm: Perm, obj: models.Model) -> None:
    org_id, country_id = _organization_and_country(obj)
    if not policies.has_perm(actor, perm, organization_id=org_id, country_id=country_id):
        log(actor, actions.ACCESS_DENIED, obj if obj.pk else type(obj), "denied",
            permission=perm.value)  # fmt: skip
        raise PermissionDenied(_("Your roles do not allow this here."))


def reference_save(*, actor: User, obj: models.Model, m2m: dict[str, Any] | None = None) -> Any:
    """Create or change an operation, round, point or collective site (analysts only).

    `obj` comes from a ModelForm with commit=False; `m2m` holds many-to-many values
    (an operation's countries). A code or round number already taken is a ValidationError
    under that field's name."""
    _require(actor, Perm.DTM_ANALYSE, obj)
    if isinstance(obj, FlowMonitoringPoint):
        obj.organization_id = obj.operation.organization_id
        if obj.place is not None and not obj.admin_area_id:
            obj.admin_area_id = obj.place.admin_area_id
    taken = _code_taken(obj)
    if taken:
        raise ValidationError(taken)
    created = obj.pk is None
    with transaction.atomic():
        obj.save()
        for name, value in (m2m or {}).items():
            getattr(obj, name).set(value)
        log(actor, actions.CREATE if created else actions.UPDATE, obj, organization=obj_org(obj))
    return obj


def _code_taken(obj: models.Model) -> dict[str, list[str]]:
    """A code or round number already used where it must be unique, in words, before the
    database's UNIQUE constraint refuses it (the form cannot see the organisation or
    operation the object is saved under)."""
    rules: list[tuple[type[models.Model], str, str, str]] = [
        (Operation, "organization_id", "code",
         _("Another operation of this organisation already has this code.")),
        (Round, "operation_id", "number",
         _("This operation already has a round with this number.")),
        (FlowMonitoringPoint, "operation_id", "code",
         _("Another point of this operation already has this code.")),
        (CollectiveSite, "organization_id", "code",
         _("Another site of this organisation already has this code.")),
    ]  # fmt: skip
    for model, scope, field, message in rules:
        if isinstance(obj, model):
            same = model._default_manager.filter(
                **{scope: getattr(obj, scope), field: getattr(obj, field)}
            ).exclude(pk=obj.pk)
            if same.exists():
                return {field: [message]}
    return {}


def obj_org(obj: models.Model) -> Any:
    if isinstance(obj, Round):
        return obj.operation.organization
    return obj.organization  # type: ignore[attr-defined]


def flow_count_may_void(actor: User, count: FlowCount) -> bool:
    """Its enumerator (still collecting there) or an analyst may void a sheet, and undo that."""
    own = count.enumerator_id == actor.pk and policies.has_perm(
        actor, Perm.DTM_COLLECT, organization_id=count.organization_id, country_id=count.country_id
    )
    return own or policies.has_perm(
        actor, Perm.DTM_ANALYSE, organization_id=count.organization_id, country_id=count.country_id
    )


def _require_void(actor: User, count: FlowCount) -> None:
    if not flow_count_may_void(actor, count):
        log(actor, actions.ACCESS_DENIED, count, "denied", permission=Perm.DTM_ANALYSE.value)
        raise PermissionDenied(_("Only the enumerator who entered it or an analyst may void it."))


def flow_count_void(*, actor: User, count: FlowCount) -> FlowCount:
    """Take a sheet out of every figure (kept for the record). Its enumerator or an analyst;
    `flow_count_void_undo` puts it back for a few minutes."""
    _require_void(actor, count)
    with transaction.atomic():
        rollup.lock_points([count.point_id])
        count.refresh_from_db()
        if count.voided_at is None:
            count.voided_at = timezone.now()
            count.save(update_fields=["voided_at"])
            rollup.refresh([(count.point_id, count.observed_on)])
            log(actor, actions.UPDATE, count, organization=count.organization, change="voided")
    return count


def replacement_of(count: FlowCount) -> FlowCount | None:
    """A live sheet entered after this one was voided for the same shift (same point, day
    and direction, overlapping hours): the correction that voiding made room for."""
    if count.voided_at is None:
        return None
    return (
        FlowCount.objects.filter(
            point_id=count.point_id,
            observed_on=count.observed_on,
            direction=count.direction,
            voided_at__isnull=True,
            created_at__gt=count.voided_at,
            shift_start__lt=count.shift_end,
            shift_end__gt=count.shift_start,
        )
        .exclude(pk=count.pk)
        .first()
    )


def flow_count_void_undo(*, actor: User, count: FlowCount) -> FlowCount:
    """Within `lib.undo`'s window, count a voided sheet again in every figure. Refused once
    a sheet for the same shift was entered since (it would count the shift twice)."""
    _require_void(actor, count)
    with transaction.atomic():
        rollup.lock_points([count.point_id])
        count.refresh_from_db()
        if count.voided_at is None:
            raise ValidationError(_("This sheet is not voided."))
        if not undo_open(count.voided_at):
            raise ValidationError(
                _("More than %(minutes)d minutes have passed: the voiding can no longer be undone.")
                % {"minutes": UNDO_MINUTES}
            )
        if replacement_of(count) is not None:
            raise ValidationError(
                _(
                    "A sheet for this shift was entered after this one was voided; restoring "
                    "it would count the shift twice. Void the newer sheet first."
                )
            )
        count.voided_at = None
        count.save(update_fields=["voided_at"])
        rollup.refresh([(count.point_id, count.observed_on)])
        log(actor, actions.UPDATE, count, organization=count.organization, change="void undone")
    return count

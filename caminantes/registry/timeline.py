"""What happened to this family: every module writes its own entries here.

`record(household, kind, ref, when, summary, restricted=False, params=None)`: `summary` is
the English source message, marked with `gettext_noop` so makemessages finds it, and
`params` fills its %(name)s placeholders; it is stored untranslated and shown in each
reader's language (`TimelineEntry.text`). A list parameter holds msgids (use `label()` for
field and choice labels), translated one by one. The household page reads
`for_household(user, household)`: an entry about a restricted record (a protection case,
say) is listed only for people who may see that record; for everyone else it is not there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone, translation

from caminantes.accounts import policies
from caminantes.registry.models import Household, TimelineEntry


def record(
    household: Household,
    kind: str,
    ref: models.Model | None,
    when: datetime | None,
    summary: str,
    restricted: bool = False,
    *,
    params: dict[str, Any] | None = None,
    actor: Any = None,
    organization: Any = None,
) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        **entry_row(
            household_id=household.pk,
            kind=kind,
            ref_type=ref._meta.label_lower if ref is not None else "",
            ref_uuid=getattr(ref, "uuid", None) if ref is not None else None,
            when=when,
            summary=summary,
            restricted=restricted,
            params=params,
            actor=actor,
            organization_id=getattr(organization, "pk", None),
        )
    )
    Household.objects.filter(pk=household.pk).update(last_activity_at=timezone.now())
    return entry


def entry_row(
    *,
    household_id: int,
    kind: str,
    ref_type: str,
    ref_uuid: Any,
    when: datetime | None,
    summary: str,
    restricted: bool = False,
    params: dict[str, Any] | None = None,
    actor: Any = None,
    organization_id: int | None = None,
) -> dict[str, Any]:
    """An entry's row, for `record` and for paths that write many at once (registration of
    many households: they set the households' `last_activity_at` themselves)."""
    return {
        "household_id": household_id,
        "kind": kind,
        "ref_type": ref_type,
        "ref_uuid": ref_uuid,
        "occurred_at": when or timezone.now(),
        "summary": summary[:300],
        "params": params or {},
        "restricted": restricted,
        "actor_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "organization_id": organization_id,
    }


def label(lazy: Any) -> str:
    """The English source of a lazy label (a field's verbose name, a choice label)."""
    with translation.override("en"):
        return str(lazy)


def field_labels(model: type[models.Model], fields: Any) -> list[str]:
    return [label(getattr(model._meta.get_field(f), "verbose_name", f)) for f in fields]


def for_household(user: Any, household: Household) -> list[TimelineEntry]:
    entries: QuerySet[TimelineEntry] = policies.visible(user, TimelineEntry).filter(
        household=household
    )
    result = list(entries.select_related("actor", "organization"))
    restricted = [e for e in result if e.restricted]
    if not restricted:
        return result
    hidden: set[int] = set()
    by_type: dict[str, list[TimelineEntry]] = {}
    for e in restricted:
        by_type.setdefault(e.ref_type, []).append(e)
    for label, group in by_type.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            hidden |= {e.pk for e in group}
            continue
        seen = set(
            policies.visible(user, model)
            .filter(uuid__in=[e.ref_uuid for e in group])
            .values_list("uuid", flat=True)
        )
        hidden |= {e.pk for e in group if e.ref_uuid not in seen}
    return [e for e in result if e.pk not in hidden]

"""Every write of the 5W: rows, the monthly workflow, staged uploads, rows drafted from
service deliveries, the reference lists and publications. Permission check -> change ->
audit event, in one transaction.

Rows arrive as the template's canonical rows (field -> text, as a spreadsheet holds them)
whichever way they come (form, grid, upload, API, deliveries): the engine's quality rules
check them against the reference lists of the database (`bridge.check`), so the app and the
command line apply one set of rules. A batch is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.models import Organization, User
from caminantes.accounts.permissions import Perm
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.coordination.fivew import bridge, summary
from caminantes.coordination.fivew.models import (
    EDITABLE,
    TRANSITIONS,
    Activity,
    Admin1,
    Indicator,
    IndicatorType,
    Publication,
    ReferenceItem,
    Report,
    ReportEvent,
    Sector,
    Status,
    Upload,
)
from caminantes.geo.models import Country

MAX_ROWS = 5000  # rows in one upload or API call


class RowsInvalid(ValidationError):
    """Some rows break the rules: `problems` maps a row number to its messages."""

    def __init__(self, problems: dict[int, list[str]]) -> None:
        super().__init__(_("Some rows have errors: nothing was saved."))
        self.problems = problems


# --- who may --------------------------------------------------------------------------


def may_report(user: Any, organization_id: int, country_id: int) -> bool:
    return policies.has_perm(
        user, Perm.REPORT_5W, organization_id=organization_id, country_id=country_id
    )


def may_validate(user: Any, country_id: int | None = None) -> bool:
    return policies.has_perm(user, Perm.VALIDATE_5W, country_id=country_id)


def _deny(actor: Any, obj: Any, perm: Perm) -> None:
    log(actor, actions.ACCESS_DENIED, obj, "denied", permission=perm.value)
    raise PermissionDenied


def first_of_month(value: date) -> date:
    return value.replace(day=1)


def check_month(month: date | None) -> date:
    """The first day of `month`; a month still to come is refused."""
    if month is None:
        raise ValidationError({"month": [_("Enter the month (YYYY-MM).")]})
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationError({"month": [_("The month has not started yet.")]})
    if month.year < 2018:
        raise ValidationError({"month": [_("Enter a month from 2018 on.")]})
    return month


# --- reports and rows -----------------------------------------------------------------


def report_open(
    *, actor: User, organization: Organization, country: Country, month: date
) -> Report:
    """The organisation's report for the month, created as a draft when there is none."""
    month = check_month(month)
    if not may_report(actor, organization.pk, country.pk):
        _deny(actor, Report, Perm.REPORT_5W)
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            organization=organization, country=country, month=month
        )
        if created:
            log(actor, actions.CREATE, report, organization=organization)
    return report


def _require_editable(actor: User, report: Report) -> None:
    if not may_report(actor, report.organization_id, report.country_id):
        _deny(actor, report, Perm.REPORT_5W)
    if report.status not in EDITABLE:
        raise ValidationError(
            _("This report is %(status)s: it can no longer be changed.")
            % {"status": report.get_status_display().lower()}
        )


def activities_add(
    *,
    actor: User,
    organization: Organization,
    rows: Sequence[dict[str, Any]],
    source: str = Activity.Source.FORM,
    report: Report | None = None,
    language: str | None = None,
) -> list[Activity]:
    """Check the rows with the engine's rules and store them all, each in the report of its
    country and month (opened as a draft where needed), or raise `RowsInvalid`."""
    if not rows:
        raise ValidationError(_("There are no rows to save."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
    language = language or get_language() or "es"
    problems = bridge.check(rows, organization=organization, language=language)
    resolved: list[dict[str, Any]] = []
    names = bridge.Names()
    for number, values in enumerate(rows, start=1):
        try:
            kwargs = bridge.resolve(values, organization=organization, names=names)
        except ValidationError as exc:
            problems.setdefault(number, []).extend(exc.messages)
            continue
        if report is not None and (
            kwargs["country"].pk != report.country_id or kwargs["month"] != report.month
        ):
            problems.setdefault(number, []).append(
                _("The row is for another country or month than this report.")
            )
        resolved.append(kwargs)
    if problems:
        raise RowsInvalid(problems)
    created: list[Activity] = []
    with transaction.atomic():
        reports: dict[tuple[int, date], Report] = {}
        for kwargs in resolved:
            key = (kwargs["country"].pk, kwargs["month"])
            if key not in reports:
                found = report_open(
                    actor=actor,
                    organization=organization,
                    country=kwargs["country"],
                    month=kwargs["month"],
                )
                found = Report.objects.select_for_update().get(pk=found.pk)
                _require_editable(actor, found)
                reports[key] = found
            values = {k: v for k, v in kwargs.items() if k not in ("country", "month")}
            created.append(Activity(report=reports[key], source=source, **values))
        Activity.objects.bulk_create(created, batch_size=1000)
        for r in reports.values():
            n = sum(1 for a in created if a.report_id == r.pk)
            log(actor, actions.CREATE, r, organization=organization, rows=n, source=source)
    return created


def activity_delete(*, actor: User, activity: Activity) -> None:
    report = activity.report
    with transaction.atomic():
        _require_editable(actor, report)
        activity.delete()
        log(actor, actions.DELETE, report, organization=report.organization, rows=1)


def report_transition(
    *, actor: User, report: Report, action: str, comment: str = "", language: str | None = None
) -> Report:
    """Submit (the partner), validate or return with comments (the IMO of the country). A
    report is submitted only when every row passes the engine's rules (rows drafted from
    deliveries or kept from an earlier list may not)."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if action == "submit":
        if not may_report(actor, report.organization_id, report.country_id):
            _deny(actor, report, Perm.REPORT_5W)
    elif not may_validate(actor, report.country_id):
        _deny(actor, report, Perm.VALIDATE_5W)
    comment = comment.strip()
    if action == "return" and not comment:
        raise ValidationError({"comment": [_("Say what the partner should correct.")]})
    with transaction.atomic():
        if action != "submit":  # validating or returning changes what the dashboard counts
            summary.lock(report.country_id, report.month)
        report = Report.objects.select_for_update().get(pk=report.pk)
        was = report.status
        if report.status not in sources:
            raise ValidationError(
                _("A %(status)s report cannot be %(action)s.")
                % {"status": report.get_status_display().lower(), "action": _verb(action)}
            )
        if action == "submit":
            rows = bridge.rows_of(report.activities.order_by("pk"))
            if not rows:
                raise ValidationError(_("Add at least one row before submitting."))
            problems = bridge.check(
                rows, organization=report.organization, language=language or get_language() or "es"
            )
            if problems:
                raise RowsInvalid(problems)
        report.status = target
        if action == "return":
            report.comment = comment
        report.save(update_fields=["status", "comment", "updated_at"])
        if Status.VALIDATED in (was, target):
            summary.rebuild(report.country_id, report.month)
        ReportEvent.objects.create(
            report=report, action=action, status=target, comment=comment, actor=actor
        )
        log(
            actor,
            actions.UPDATE,
            report,
            organization=report.organization,
            transition=action,
            status=target,
        )
    return report


def _verb(action: str) -> str:
    return {"submit": _("submitted"), "validate": _("validated"), "return": _("returned")}[action]


# --- staged uploads -------------------------------------------------------------------


def upload_stage(
    *,
    actor: User,
    organization: Organization,
    name: str,
    content: Any,
    language: str | None = None,
) -> Upload:
    """Read a workbook (2025 template or 2022 layout) and check every row; nothing reaches a
    report until `upload_confirm`."""
    if not any(may_report(actor, organization.pk, c.pk) for c in organization.countries.all()):
        _deny(actor, Upload, Perm.REPORT_5W)
    language = language or get_language() or "es"
    layout, rows = bridge.read(content)
    if not rows:
        raise ValidationError(_("The file has no rows."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
    values = [r.values for r in rows]
    problems = bridge.check(values, organization=organization, language=language)
    staged = []
    names = bridge.Names()
    for i, row in enumerate(rows, start=1):
        messages = list(problems.get(i, []))
        if not messages:
            try:
                bridge.resolve(row.values, organization=organization, names=names)
            except ValidationError as exc:
                messages.extend(exc.messages)
        staged.append(
            {"number": row.number, "values": bridge.jsonable(row.values), "problems": messages}
        )
    with transaction.atomic():
        upload = Upload.objects.create(
            organization=organization,
            user=actor,
            filename=name[:200],
            layout=layout,
            rows=staged,
        )
        log(
            actor,
            actions.IMPORT,
            upload,
            organization=organization,
            rows=len(staged),
            invalid=sum(1 for r in staged if r["problems"]),
            stage="checked",
        )
    return upload


def upload_confirm(*, actor: User, upload: Upload) -> int:
    """Store the upload's valid rows (all of them, or none if one fails on the way)."""
    if upload.user_id != actor.pk:
        _deny(actor, upload, Perm.REPORT_5W)
    if upload.confirmed:
        raise ValidationError(_("This file has already been saved."))
    valid = [r["values"] for r in upload.rows if not r["problems"]]
    if not valid:
        raise ValidationError(
            _("No row of this file is valid: correct the file and upload it again.")
        )
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.confirmed:
            raise ValidationError(_("This file has already been saved."))
        activities_add(
            actor=actor, organization=upload.organization, rows=valid, source=Activity.Source.UPLOAD
        )
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        log(
            actor,
            actions.IMPORT,
            locked,
            organization=upload.organization,
            rows=len(valid),
            stage="confirmed",
        )
    return len(valid)


# --- rows drafted from service deliveries ---------------------------------------------


@dataclass
class Generated:
    rows: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)  # why -> deliveries left out


def report_generate(*, actor: User, report: Report) -> Generated:
    """Draft rows for the report's month from the organisation's service deliveries: one row
    per admin-1 x indicator, with the breakdowns (see `deliveries.aggregate`). Rows drafted
    earlier from deliveries are replaced; rows typed by the partner stay."""
    from caminantes.coordination.fivew import deliveries

    _require_editable(actor, report)
    cells, unmapped = deliveries.aggregate(report)
    with transaction.atomic():
        Activity.objects.filter(report=report, source=Activity.Source.DELIVERIES).delete()
        rows = [Activity(report=report, source=Activity.Source.DELIVERIES, **c) for c in cells]
        Activity.objects.bulk_create(rows)
        log(
            actor,
            actions.CREATE,
            report,
            organization=report.organization,
            rows=len(rows),
            source="deliveries",
        )
    return Generated(len(rows), unmapped)


# --- reference lists ------------------------------------------------------------------


def _require_imo(actor: User, obj: Any, country_id: int | None = None) -> None:
    if not may_validate(actor, country_id):
        _deny(actor, obj, Perm.VALIDATE_5W)


def sector_save(
    *,
    actor: User,
    code: str,
    name: str,
    parent: Sector | None = None,
    protection: bool = False,
    is_active: bool = True,
) -> Sector:
    _require_imo(actor, Sector)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("Enter a code and a name."))
    with transaction.atomic():
        sector, created = Sector.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": parent,
                "protection": protection,
                "is_active": is_active,
            },
        )
        log(actor, actions.CREATE if created else actions.UPDATE, sector)
    return sector


def indicator_save(
    *,
    actor: User,
    year: int,
    code: str,
    name: str,
    sector: Sector,
    type: str,
    delivery_codes: str = "",
    is_active: bool = True,
) -> Indicator:
    _require_imo(actor, Indicator)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("Enter a code and a name."))
    if type not in IndicatorType.values:
        raise ValidationError({"type": [_("Choose the indicator type.")]})
    if not 2018 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": [_("Enter an RMRP year from 2018 to next year.")]})
    with transaction.atomic():
        old = Indicator.objects.filter(year=year, code=code).first()
        if old is not None and (old.type == IndicatorType.DIRECT) != (type == IndicatorType.DIRECT):
            # Its rows start or stop counting as people reached: every month holding one
            # is locked before the change (a report validated meanwhile waits, then sees
            # it) and summarised again after it.
            slices = list(
                Report.objects.filter(activities__indicator=old)
                .order_by()
                .values_list("country_id", "month")
                .distinct()
            )
            for country_id, month in sorted(slices):
                summary.lock(country_id, month)
        else:
            slices = []
        indicator, created = Indicator.objects.update_or_create(
            year=year,
            code=code,
            defaults={
                "name": name,
                "sector": sector,
                "type": type,
                "delivery_codes": " ".join(delivery_codes.split()),
                "is_active": is_active,
            },
        )
        summary.rebuild_slices(slices)
        log(actor, actions.CREATE if created else actions.UPDATE, indicator)
    return indicator


def indicators_copy_year(*, actor: User, source: int, target: int) -> int:
    """Start next year's list from this year's: the IMO then edits it."""
    _require_imo(actor, Indicator)
    if source == target:
        raise ValidationError(_("Choose two different years."))
    n = 0
    with transaction.atomic():
        for ind in Indicator.objects.filter(year=source):
            _ind, created = Indicator.objects.get_or_create(
                year=target,
                code=ind.code,
                defaults={
                    "name": ind.name,
                    "sector": ind.sector,
                    "type": ind.type,
                    "delivery_codes": ind.delivery_codes,
                    "is_active": ind.is_active,
                },
            )
            n += created
        log(actor, actions.CREATE, Indicator, copied=n, source=source, target=target)
    return n


def item_save(
    *, actor: User, kind: str, code: str, name: str, is_active: bool = True
) -> ReferenceItem:
    _require_imo(actor, ReferenceItem)
    if kind not in ReferenceItem.Kind.values or not code.strip() or not name.strip():
        raise ValidationError(_("Enter a code and a name."))
    with transaction.atomic():
        item, created = ReferenceItem.objects.update_or_create(
            kind=kind, code=code.strip(), defaults={"name": name.strip(), "is_active": is_active}
        )
        log(actor, actions.CREATE if created else actions.UPDATE, item)
    return item


def admin1_save(
    *, actor: User, country: Country, name: str, pcode: str = "", is_active: bool = True
) -> Admin1:
    _require_imo(actor, Admin1, country.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Enter the area's name.")]})
    from caminantes.geo.models import AdminArea

    area = (
        AdminArea.objects.filter(country=country, level=1, pcode=pcode.strip()).first()
        if pcode.strip()
        else None
    )
    with transaction.atomic():
        admin1, created = Admin1.objects.update_or_create(
            country=country,
            name=name,
            defaults={"pcode": pcode.strip(), "area": area, "is_active": is_active},
        )
        log(actor, actions.CREATE if created else actions.UPDATE, admin1)
    return admin1


def publication_publish(*, actor: User, country: Country, year: int) -> Publication:
    """Open the country's validated aggregates of the year to anyone (small protection cells
    suppressed: see `exports.public_table`)."""
    _require_imo(actor, Publication, country.pk)
    if year > timezone.localdate().year:
        raise ValidationError({"year": [_("The year has not started yet.")]})
    try:
        with transaction.atomic():
            pub, created = Publication.objects.get_or_create(
                country=country, year=year, defaults={"published_by": actor}
            )
            log(actor, actions.CREATE if created else actions.UPDATE, pub, year=year)
    except IntegrityError:  # two clicks at once
        pub = Publication.objects.get(country=country, year=year)
    return pub


__all__ = ["RowsInvalid", "Status"]

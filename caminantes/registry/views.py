from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caminantes.accounts import policies
from caminantes.accounts.context import AuthenticatedRequest
from caminantes.accounts.decorators import perm_required
from caminantes.accounts.models import User
from caminantes.accounts.permissions import Perm
from caminantes.lib.form_errors import apply_errors, posted
from caminantes.registry import hooks, selectors, services, timeline, views_consent
from caminantes.registry import links as person_links
from caminantes.registry.forms import (
    ConsentForm,
    DocumentForm,
    HouseholdEditForm,
    HouseholdForm,
    MemberForm,
    MemberFormSet,
    NeedsForm,
    PersonEditForm,
)
from caminantes.registry.inputs import ConsentInput
from caminantes.registry.models import WG_DOMAINS, FieldChange, Household, Person

# Longer than any name, document and date together; a pasted page would make a query too
# large for the database to plan.
SEARCH_MAX = 200


def _user(request: AuthenticatedRequest) -> User:
    """The logged-in user (every view here is behind perm_required)."""
    assert isinstance(request.user, User)
    return request.user


def _can(request: AuthenticatedRequest, perm: Perm, household: Household | None = None) -> bool:
    if household is None:
        ctx = request.context
        return policies.has_perm(
            request.user,
            perm,
            organization_id=ctx.organization.pk if ctx.organization else None,
            country_id=ctx.country.pk if ctx.country else None,
        )
    return policies.has_perm(
        request.user,
        perm,
        organization_id=household.organization_id,
        country_id=household.country_id,
    )


@perm_required(Perm.VIEW_PERSONAL_DATA)
def search(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    ctx = request.context
    results = selectors.search_people(user=_user(request), text=q, country=ctx.country) if q else []
    template = (
        "registry/_results.html" if request.headers.get("HX-Request") else "registry/search.html"
    )
    return render(
        request,
        template,
        {"q": q, "results": results, "can_register": _can(request, Perm.REGISTER_HOUSEHOLDS)},
    )


def _initial_focal_point(q: str) -> dict[str, Any]:
    """Carry what was searched into the form: names split as Venezuelan names usually are."""
    initial: dict[str, Any] = {"relationship": "focal_point", "nationality": "VE"}
    parsed = selectors.parse_query(q)
    words = parsed.words.split()
    if len(words) >= 3:
        initial.update(
            given_names=" ".join(words[:-2]), first_surname=words[-2], second_surname=words[-1]
        )
    elif len(words) == 2:
        initial.update(given_names=words[0], first_surname=words[1])
    elif words:
        initial["given_names"] = words[0]
    if parsed.birth_date:
        initial["birth_date"] = parsed.birth_date
    if parsed.numbers:
        initial.update(document_type="cedula", document_number=parsed.numbers[0])
    return initial


def _member_formset(
    request: AuthenticatedRequest, initial: list[dict[str, Any]] | None = None
) -> Any:
    return MemberFormSet(posted(request), prefix="members", initial=initial)


@perm_required(Perm.REGISTER_HOUSEHOLDS)
def register(request: AuthenticatedRequest) -> HttpResponse:
    ctx = request.context
    if ctx.organization is None or ctx.country is None:
        raise PermissionDenied  # whether they may register there is the service's check
    household_form = HouseholdForm(posted(request), country=ctx.country)
    initial = None if request.POST else [_initial_focal_point(request.GET.get("q", ""))]
    members = _member_formset(request, initial)
    candidates: list[dict[str, Any]] = []
    if request.method == "POST" and household_form.is_valid() and members.is_valid():
        try:
            result = services.household_register(
                user=_user(request),
                organization=ctx.organization,
                country=ctx.country,
                household=household_form.to_input(),
                members=[f.to_input(get_language() or "es") for f in members.forms],
                confirmed_new=request.POST.get("confirmed_new") == "1",
            )
        except ValidationError as exc:
            apply_errors(exc, household_form, formsets=[members])
        else:
            if result.household is not None:
                messages.success(request, _("Household registered."))
                return redirect("household_detail", uuid=result.household.uuid)
            candidates = [
                {
                    "member": d.member + 1,
                    "person": d.person,
                    "score": round(d.candidate.score * 100),
                    "reasons": d.candidate.reasons,
                }
                for d in selectors.possible_duplicates(
                    user=request.user, candidates=result.candidates
                )
            ]
    return render(
        request,
        "registry/register.html",
        {
            "household_form": household_form,
            "members": members,
            "candidates": candidates,
            "wg_domains": WG_DOMAINS,
        },
    )


@perm_required(Perm.REGISTER_HOUSEHOLDS)
def member_form(request: AuthenticatedRequest) -> HttpResponse:
    """One more empty member block for the registration form (htmx)."""
    try:
        index = max(0, min(int(request.GET.get("index", "1")), 29))
    except ValueError:
        index = 1
    form = MemberForm(
        prefix=f"members-{index}", initial={"relationship": "child", "nationality": "VE"}
    )
    return render(request, "registry/_member_form.html", {"form": form, "index": index})


@perm_required(Perm.VIEW_PERSONAL_DATA)
def household_detail(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    household = selectors.household_detail(user=_user(request), uuid=uuid)
    members = list(selectors.members_of(household))
    changes = policies.visible(request.user, FieldChange).filter(household=household)[:50]
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "members": members,
            "phones": household.phones.all(),
            "assessments": household.assessments.all()[:5],
            "entries": timeline.for_household(request.user, household),
            "changes": changes,
            "can_edit": _can(request, Perm.EDIT_HOUSEHOLDS, household),
            "can_consent": _can(request, Perm.MANAGE_CONSENT, household),
            "can_reveal": _can(request, Perm.REVEAL_PHONES, household),
            "household_links": hooks.household_links(request, household),
            "household_panels": hooks.household_panels(request, household),
            "person_links": _person_links(request, household, members),
        },
    )


def _person_links(
    request: AuthenticatedRequest, household: Household, members: list[Person]
) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    rights = _can(request, Perm.HANDLE_DATA_REQUESTS, household)
    correct = rights or _can(request, Perm.EDIT_HOUSEHOLDS, household)
    for p in members:
        if rights:
            links.append({"person": p.pk, "url": reverse("rights_person", args=[p.uuid]),
                          "label": _("Data rights")})  # fmt: skip
        if correct:
            links.append({"person": p.pk, "url": reverse("rights_correction", args=[p.uuid]),
                          "label": _("Correction request")})  # fmt: skip
        links += [
            {"person": p.pk, **link} for link in person_links.for_person(request, household, p)
        ]
    return links


def _editable(request: AuthenticatedRequest, uuid: str) -> Household:
    household = selectors.household_detail(user=_user(request), uuid=uuid)
    if not _can(request, Perm.EDIT_HOUSEHOLDS, household):
        raise PermissionDenied
    return household


def _conflict(request: AuthenticatedRequest, exc: services.VersionConflict) -> None:
    messages.error(request, str(exc))


@perm_required(Perm.EDIT_HOUSEHOLDS)
def household_edit(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    household = _editable(request, uuid)
    initial = {
        "version": household.version,
        "population_type": household.population_type,
        "status": household.status,
        "current_area": household.current_area,
        "address": household.address,
        "arrival_date": household.arrival_date,
        "destination_country": household.destination_country,
    }
    form = HouseholdEditForm(posted(request), initial=initial, household=household)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        try:
            services.household_update(
                user=_user(request),
                household=household,
                version=version,
                changes=data,
                reason=reason,
            )
        except services.VersionConflict as exc:
            _conflict(request, exc)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": _("Edit household")},
    )


@perm_required(Perm.EDIT_HOUSEHOLDS)
def person_edit(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    person = selectors.person_detail(user=request.user, uuid=uuid)
    household = _editable(request, str(person.household.uuid))
    initial: dict[str, Any] = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    initial["nationalities"] = list(person.nationalities.all())
    initial["version"] = person.version
    form = PersonEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, reason = data.pop("version"), data.pop("reason")
        data["languages"] = sorted(data["languages"])
        try:
            services.person_update(
                user=_user(request),
                person=person,
                version=version,
                changes=data,
                reason=reason,
            )
        except services.VersionConflict as exc:
            _conflict(request, exc)
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": person.full_name},
    )


@perm_required(Perm.EDIT_HOUSEHOLDS)
def person_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    household = _editable(request, uuid)
    form = MemberForm(
        posted(request),
        initial={"relationship": "child", "nationality": "VE"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(
                user=_user(request),
                household=household,
                member=form.to_input(get_language() or "es"),
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Member added."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": _("Add a member")},
    )


@perm_required(Perm.EDIT_HOUSEHOLDS)
def document_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    person = selectors.person_detail(user=request.user, uuid=uuid)
    household = _editable(request, str(person.household.uuid))
    form = DocumentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.document_add(user=_user(request), person=person, document=form.to_input())
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Document recorded."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": _("Add a document")},
    )


@perm_required(Perm.MANAGE_CONSENT)
def consent_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    person = selectors.person_detail(user=request.user, uuid=uuid)
    household = person.household
    form = ConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consent_record(
                user=_user(request),
                person=person,
                purpose=d["purpose"],
                recipient=d["recipient"],
                c=ConsentInput(
                    legal_basis=d["legal_basis"],
                    given_by=d["given_by"],
                    guardian_name=d["guardian_name"],
                    child_assent=d["child_assent"] if d["given_by"] == "guardian" else None,
                    language=get_language() or "es",
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_errors(
                exc if isinstance(exc, ValidationError) else ValidationError(_("Not allowed.")),
                form,
            )
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": _("Record consent")},
    )


@perm_required(Perm.MANAGE_CONSENT)
def consent_withdraw(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    """Asks first (what stops from today), then withdraws the version that was shown; a
    withdrawn consent's page offers the undo for a while (`views_consent`)."""
    consent = selectors.consent_detail(user=request.user, uuid=uuid)
    household = consent.person.household
    if consent.withdrawn_on is not None:
        return views_consent.consent_withdrawn(request, consent)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", consent.version))
            services.consent_withdraw(user=_user(request), consent=consent, version=version)
        except (ValueError, services.VersionConflict) as exc:
            messages.error(request, str(exc) if str(exc) else _("Reload and try again."))
            return redirect("household_detail", uuid=household.uuid)
        messages.success(request, _("Consent withdrawn."))
        return redirect("consent_withdraw", uuid=consent.uuid)
    return render(
        request,
        "registry/consent_withdraw.html",
        {"consent": consent, "person": consent.person, "household": household},
    )


@perm_required(Perm.EDIT_HOUSEHOLDS)
def needs_add(request: AuthenticatedRequest, uuid: str) -> HttpResponse:
    household = _editable(request, uuid)
    from django.utils import timezone

    form = NeedsForm(
        posted(request),
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assess(
                user=_user(request),
                household=household,
                severities=form.severities(),
                assessed_on=form.cleaned_data["assessed_on"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Needs assessment saved."))
            return redirect("household_detail", uuid=household.uuid)
    return render(
        request,
        "registry/edit.html",
        {"form": form, "household": household, "title": _("Needs assessment")},
    )


def household_url(household: Household) -> str:
    return reverse("household_detail", args=[household.uuid])

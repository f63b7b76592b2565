from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caminantes.accounts.models import Organization
from caminantes.geo.models import AdminArea, Country
from caminantes.lib.dates import birth_date_from_age
from caminantes.lib.fields import ModelMultipleChoiceField
from caminantes.lib.widgets import date_input
from caminantes.registry.inputs import (
    ConsentInput,
    DocumentInput,
    HouseholdInput,
    PersonInput,
    validate_plain_text,
)
from caminantes.registry.models import (
    WG_DOMAINS,
    Consent,
    Difficulty,
    Document,
    Household,
    PopulationType,
    Relationship,
    Sector,
    Severity,
    Sex,
    SpecificNeed,
)
from caminantes.registry.services.checks import validate_arrival

DATE = date_input()


def _areas(country: Country | None) -> Any:
    qs = AdminArea.objects.filter(level=1)
    return qs.filter(country=country) if country else qs


class PlainTextField(forms.CharField):
    """Names, addresses, numbers: refused when they start like a spreadsheet formula, the
    same rule as the import and the API (`inputs.formula_refusal`)."""

    default_validators = [validate_plain_text]


class HouseholdForm(forms.Form):
    population_type = forms.ChoiceField(label=_("Population type"), choices=PopulationType.choices)
    admin_area = forms.ModelChoiceField(
        label=_("Area"), queryset=AdminArea.objects.none(), required=False, to_field_name="iso_code"
    )
    address = PlainTextField(label=_("Address or place of stay"), max_length=300, required=False)
    arrival_date = forms.DateField(label=_("Arrival in the country"), required=False, widget=DATE)
    destination_country = forms.ModelChoiceField(
        label=_("Intended destination"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
    )
    phone = forms.CharField(
        label=_("Household phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    whatsapp = forms.BooleanField(label=_("Has WhatsApp"), required=False)

    def clean_arrival_date(self) -> Any:
        # The service's own rule, told on the first round with the page's other mistakes.
        arrival = self.cleaned_data.get("arrival_date")
        for message in validate_arrival(arrival).get("arrival_date", []):
            raise forms.ValidationError(message)
        return arrival

    def __init__(self, *args: Any, country: Country | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["admin_area"].queryset = _areas(country)  # type: ignore[attr-defined]

    def to_input(self) -> HouseholdInput:
        d = self.cleaned_data
        from caminantes.registry.inputs import PhoneInput

        return HouseholdInput(
            population_type=d["population_type"],
            admin_area=d["admin_area"].iso_code if d["admin_area"] else None,
            address=d["address"],
            arrival_date=d["arrival_date"],
            destination_country=d["destination_country"].iso2 if d["destination_country"] else None,
            phones=[PhoneInput(d["phone"], d["whatsapp"])] if d["phone"] else [],
        )


class MemberForm(forms.Form):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    given_names = PlainTextField(label=_("Given names"), max_length=120)
    first_surname = PlainTextField(label=_("First surname"), max_length=80, required=False)
    second_surname = PlainTextField(label=_("Second surname"), max_length=80, required=False)
    # No default: the first option asks, so a skipped field is an error, never a woman.
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Choose…")), *Sex.choices])
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_date_estimated = forms.BooleanField(label=_("Estimated"), required=False)
    age_years = forms.IntegerField(
        label=_("Or age in years"),
        help_text=_("When the date of birth is not known: kept as an estimated date."),
        min_value=0,
        max_value=120,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    nationality = forms.ModelChoiceField(
        label=_("Nationality"), queryset=Country.objects.all(), required=False, to_field_name="iso2"
    )
    document_type = forms.ChoiceField(
        label=_("Document"),
        required=False,
        choices=[("", _("No document")), *list(Document.Type.choices)],
    )
    document_number = PlainTextField(label=_("Document number"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("Own phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    specific_needs = forms.MultipleChoiceField(
        label=_("Specific needs"),
        required=False,
        choices=SpecificNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_registration = forms.BooleanField(label=_("Agrees to be registered"), required=False)
    consent_tracing = forms.BooleanField(label=_("Agrees to family tracing"), required=False)
    consent_messaging = forms.BooleanField(label=_("Agrees to receive messages"), required=False)
    # Shown for a child only, by the date of birth typed (static/caminantes/forms.js).
    consent_by_guardian = forms.BooleanField(
        label=_("Consent given by a parent or guardian"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-show-when": "minor"}),
    )
    guardian_name = PlainTextField(
        label=_("Guardian's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-show-when": "minor checked:consent_by_guardian"}),
    )
    child_assent = forms.BooleanField(
        label=_("The child agrees too"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-show-when": "minor checked:consent_by_guardian"}),
    )

    # The service's error keys that name a field of this form differently.
    service_fields = {
        "consent": "consent_registration",
        "documents-0-type": "document_type",
        "documents-0-number": "document_number",
        "documents-0-issuing_country": "document_type",
        "nationalities": "nationality",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("document_type") and not data.get("document_number"):
            self.add_error("document_number", _("Write the number or choose “No document”."))
        if data.get("birth_date") is None and data.get("age_years") is not None:
            data["birth_date"] = birth_date_from_age(data["age_years"], timezone.localdate())
            data["birth_date_estimated"] = True
        # Said now, beside the other mistakes of the page, not one round later by the service.
        if data.get("birth_date") and data["birth_date"] > timezone.localdate():
            self.add_error("birth_date", _("The date of birth is in the future."))
        return data

    def to_input(self, language: str) -> PersonInput:
        d = self.cleaned_data
        purposes: list[str] = [Consent.Purpose.REGISTRATION] if d["consent_registration"] else []
        if d["consent_tracing"]:
            purposes.append(Consent.Purpose.FAMILY_TRACING)
        if d["consent_messaging"]:
            purposes.append(Consent.Purpose.MESSAGING)
        guardian = d["consent_by_guardian"]
        return PersonInput(
            relationship=d["relationship"],
            given_names=d["given_names"],
            first_surname=d["first_surname"],
            second_surname=d["second_surname"],
            sex=d["sex"],
            birth_date=d["birth_date"],
            birth_date_estimated=d["birth_date_estimated"],
            nationalities=[d["nationality"].iso2] if d["nationality"] else [],
            documents=(
                [DocumentInput(type=d["document_type"], number=d["document_number"])]
                if d["document_type"]
                else []
            ),
            phone=d["phone"],
            specific_needs=list(d["specific_needs"]),
            consent=ConsentInput(
                purposes=purposes,
                given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.PERSON,
                guardian_name=d["guardian_name"],
                child_assent=d["child_assent"] if guardian else None,
                language=language,
            ),
        )


class BaseMemberFormSet(forms.BaseFormSet):
    """Every member block is checked the same way: one added and left as it came is not
    skipped (it would reach the service empty), the first member is not held to more."""

    item_label = _("Member %(n)s")

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": False}


# At most 30 members, whatever the posted management form claims: Django's default ceiling
# is 1,030 forms, and a page re-shown with 1,000 member blocks took seconds of CPU to render.
MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, min_num=1, validate_min=True, max_num=30,
    validate_max=True, absolute_max=30,
)  # fmt: skip


class ReasonMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)


class HouseholdEditForm(ReasonMixin):
    population_type = forms.ChoiceField(label=_("Population type"), choices=PopulationType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Household.Status.choices)
    current_area = forms.ModelChoiceField(
        label=_("Current area"), queryset=AdminArea.objects.none(), required=False
    )
    address = PlainTextField(label=_("Address or place of stay"), max_length=300, required=False)
    arrival_date = forms.DateField(label=_("Arrival in the country"), required=False, widget=DATE)
    destination_country = forms.ModelChoiceField(
        label=_("Intended destination"), queryset=Country.objects.all(), required=False
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["current_area"].queryset = _areas(household.country)  # type: ignore[attr-defined]


# Languages heard on the routes, named in themselves (ISO 639 codes are stored).
LANGUAGES = [
    ("es", "Español"), ("pt", "Português"), ("en", "English"), ("fr", "Français"),
    ("ht", "Kreyòl ayisyen"), ("guc", "Wayuunaiki"), ("wba", "Warao"), ("aoc", "Pemón"),
    ("yad", "Yagua"), ("qu", "Runasimi (quechua)"),
]  # fmt: skip


class PersonEditForm(ReasonMixin):
    given_names = PlainTextField(label=_("Given names"), max_length=120)
    first_surname = PlainTextField(label=_("First surname"), max_length=80, required=False)
    second_surname = PlainTextField(label=_("Second surname"), max_length=80, required=False)
    preferred_name = PlainTextField(label=_("Preferred name"), max_length=120, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_date_estimated = forms.BooleanField(label=_("Estimated"), required=False)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    nationalities = ModelMultipleChoiceField(
        label=_("Nationalities"), queryset=Country.objects.all(), required=False
    )
    specific_needs = forms.MultipleChoiceField(
        label=_("Specific needs"),
        required=False,
        choices=SpecificNeed.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "seeing": _("Difficulty seeing"),
            "hearing": _("Difficulty hearing"),
            "walking": _("Difficulty walking or climbing steps"),
            "cognition": _("Difficulty remembering or concentrating"),
            "self_care": _("Difficulty with self-care"),
            "communication": _("Difficulty communicating"),
        }
        for domain in WG_DOMAINS:
            self.fields[f"wg_{domain}"] = forms.ChoiceField(
                label=labels[domain],
                required=False,
                choices=[("", _("Not asked")), *list(Difficulty.choices)],
            )


class DocumentForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=Document.Type.choices)
    number = PlainTextField(label=_("Number"), max_length=40)
    issuing_country = forms.ModelChoiceField(
        label=_("Issuing country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Document.Status.choices)

    def to_input(self) -> DocumentInput:
        d = self.cleaned_data
        return DocumentInput(
            type=d["type"],
            number=d["number"],
            issuing_country=d["issuing_country"].iso2 if d["issuing_country"] else None,
            issued_on=d["issued_on"],
            expires_on=d["expires_on"],
            status=d["status"],
        )


class ConsentForm(forms.Form):
    # The partner only for sharing, the guardian's fields only when a guardian gives it: shown
    # where they apply (static/caminantes/forms.js).
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    recipient = forms.ModelChoiceField(
        label=_("Partner (for sharing)"),
        required=False,
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs={"data-show-when": "value:purpose=sharing"}),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=Consent.LegalBasis.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices)
    guardian_name = PlainTextField(
        label=_("Guardian's name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-show-when": "value:given_by=guardian"}),
    )
    child_assent = forms.BooleanField(
        label=_("The child agrees too"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-show-when": "value:given_by=guardian"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organization.objects.filter(is_active=True)  # type: ignore[attr-defined]


class NeedsForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sector in Sector:
            self.fields[f"sector_{sector.value}"] = forms.TypedChoiceField(
                label=sector.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Not assessed")), *list(Severity.choices)],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(v is not None for k, v in data.items() if k.startswith("sector_")):
            raise forms.ValidationError(_("Give a severity for at least one sector."))
        return data

    def severities(self) -> dict[str, int]:
        return {
            name.removeprefix("sector_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("sector_") and value is not None
        }


class DocumentEditForm(ReasonMixin):
    type = forms.ChoiceField(label=_("Type"), choices=Document.Type.choices)
    number = forms.CharField(
        label=_("Corrected number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to keep the number recorded."),
    )
    issuing_country = forms.ModelChoiceField(
        label=_("Issuing country"), queryset=Country.objects.all(), required=False
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Document.Status.choices)

    def changes(self) -> dict[str, Any]:
        d = {k: v for k, v in self.cleaned_data.items() if k not in {"version", "reason"}}
        if not d["number"].strip():
            d.pop("number")
        return d


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Phone number"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    whatsapp = forms.BooleanField(label=_("Has WhatsApp"), required=False)


class PhoneEditForm(ReasonMixin):
    number = forms.CharField(
        label=_("Corrected number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the number recorded."),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    whatsapp = forms.BooleanField(label=_("Has WhatsApp"), required=False)


class SharedDocumentForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=Document.Type.choices)
    issuing_country = forms.ModelChoiceField(
        label=_("Issuing country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="iso2",
    )
    number = forms.CharField(label=_("Number"), max_length=40)
    reason = forms.CharField(
        label=_("Why two people hold this number"),
        max_length=300,
        help_text=_("What you checked: for example, both documents seen."),
    )

    def to_input(self) -> DocumentInput:
        d = self.cleaned_data
        return DocumentInput(
            type=d["type"],
            number=d["number"],
            issuing_country=d["issuing_country"].iso2 if d["issuing_country"] else None,
        )

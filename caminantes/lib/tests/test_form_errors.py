"""A service's error keys land on the field, the member's form, or the whole form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from caminantes.lib.form_errors import apply_errors, error_messages, problems


class Member(forms.Form):
    given_names = forms.CharField(label="Given names", required=False)
    birth_date = forms.DateField(label="Date of birth", required=False)
    document_number = forms.CharField(label="Document number", required=False)
    service_fields = {"documents-0-number": "document_number"}


class Household(forms.Form):
    address = forms.CharField(label="Address", required=False)


class Members(forms.BaseFormSet):
    item_label = "Member %(n)s"


MemberSet = forms.formset_factory(Member, formset=Members, extra=0)


def _bound() -> tuple[Household, Any]:
    household = Household({"address": "x"})
    members = MemberSet(
        {"members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-0-given_names": "a",
         "members-1-given_names": "b"}, prefix="members",
    )  # fmt: skip
    assert household.is_valid() and members.is_valid()
    return household, members


class ApplyErrorsTest(SimpleTestCase):
    def test_it_puts_each_key_where_it_belongs(self) -> None:
        household, members = _bound()
        exc = ValidationError({
            "address": ["Not in Colombia."],
            "members-1-birth_date": ["The date of birth is in the future."],
            "members-0-documents-0-number": ["The document number is empty."],
            "members-7-given_names": ["Nobody there."],
            "consent": ["Registration needs consent."],
        })  # fmt: skip
        apply_errors(exc, household, formsets=[members])
        self.assertEqual(household.errors["address"], ["Not in Colombia."])
        self.assertEqual(
            members.forms[1].errors["birth_date"], ["The date of birth is in the future."]
        )
        self.assertEqual(
            members.forms[0].errors["document_number"], ["The document number is empty."]
        )
        self.assertEqual(
            household.non_field_errors(), ["Nobody there.", "Registration needs consent."]
        )

    def test_it_takes_one_household_of_a_bulk_registration(self) -> None:
        household, members = _bound()
        exc = ValidationError({"households-1-members-0-given_names": ["Required."],
                               "households-0-address": ["Elsewhere."]})  # fmt: skip
        apply_errors(exc, household, formsets=[members], prefix="households-1-")
        self.assertEqual(members.forms[0].errors["given_names"], ["Required."])
        self.assertTrue(household.is_valid())

    def test_the_summary_names_member_and_field_without_internal_keys(self) -> None:
        household, members = _bound()
        apply_errors(ValidationError({"members-1-birth_date": ["In the future."]}), household,
                     formsets=[members])  # fmt: skip
        lines = [str(p) for p in problems(household, members)]
        self.assertEqual(lines, ["Member 2 · Date of birth: In the future."])
        self.assertEqual(problems(members)[0].target, "id_members-1-birth_date")

    def test_it_gives_words_never_keys_for_a_message(self) -> None:
        exc = ValidationError({"severities": ["Give a severity."], "fields": ["Not here."]})
        self.assertEqual(error_messages(exc), ["Give a severity.", "Not here."])

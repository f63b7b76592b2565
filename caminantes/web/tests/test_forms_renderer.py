"""The form renderer writes what Django's own widget templates write, and steps aside for a
template replaced in the project or for an option of a template of its own."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.test import SimpleTestCase
from django.test.signals import template_rendered
from django.utils.html import escape

from caminantes.web.forms_renderer import FormRenderer


class OwnOption(forms.Select):
    option_template_name = "web/tests/own_option.html"


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="a hint", initial='O"Neil & <Co>')
    number = forms.IntegerField(min_value=0, required=False)
    money = forms.DecimalField(max_digits=6, decimal_places=2, initial=Decimal("3.50"))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="x")
    hidden = forms.IntegerField(widget=forms.HiddenInput, initial=7)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=date(2026, 3, 1))
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    agree = forms.BooleanField(required=False, initial=True)
    off = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"hidden": False}))
    choice = forms.ChoiceField(choices=[("", "—"), ("x", "X & <y>"), ("z", "Zed")], initial="x")
    grouped = forms.ChoiceField(
        choices=[('Grupo "1"', [("1", "uno"), ("2", "dos")]), ("3", "tres")], initial="2"
    )
    many = forms.MultipleChoiceField(choices=[(1, "a"), (2, "b"), (3, "c")], initial=[1, 3])
    maybe = forms.NullBooleanField()
    typed = forms.TypedChoiceField(
        choices=[(True, "sí"), (False, "no")], coerce=bool, initial=False,
        widget=forms.Select(attrs={"data-x": 'q"', "disabled": True}),
    )  # fmt: skip
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


@contextlib.contextmanager
def rendered() -> Iterator[list[str]]:
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def note(sender: Any, template: Any, **kwargs: Any) -> None:
        names.append(template.name)

    template_rendered.connect(note)
    try:
        yield names
    finally:
        template_rendered.disconnect(note)


def same_markup(html: str) -> str:
    """Django's templates end in a new line, and the including template keeps it."""
    return re.sub(r">\s+<", "><", html).strip()


class FormRendererTest(SimpleTestCase):
    def both(self, data: dict[str, Any] | None) -> tuple[Everything, Everything]:
        django = Everything(data, renderer=DjangoTemplates())
        return django, Everything(data, renderer=FormRenderer())

    def test_it_writes_the_markup_of_djangos_templates_for_every_kind_of_field(self) -> None:
        wrong = {"text": "", "number": "-1", "money": "abc", "email": "no", "url": "x y",
                 "day": "2026-02-30", "choice": "nope", "grouped": "3", "many": ["2"],
                 "maybe": "true", "typed": "False", "kind": "b", "agree": "on"}  # fmt: skip
        for data in (None, wrong):
            django, ours = self.both(data)
            for name in django.fields:
                with self.subTest(data=bool(data), field=name):
                    self.assertEqual(same_markup(str(ours[name])), same_markup(str(django[name])))
                    self.assertEqual(str(ours[name].errors), str(django[name].errors))
            self.assertEqual(same_markup(str(ours)), same_markup(str(django)))
        # ... written in Python: not one of those templates rendered.
        _, ours = self.both(wrong)
        with rendered() as names:
            for name in ("number", "money", "hidden", "agree", "choice", "grouped", "many"):
                str(ours[name]), str(ours["notes"].errors)
        self.assertEqual(names, [])
        self.assertIn('class="errorlist"', str(ours["number"].errors))
        self.assertIn(escape('O"Neil & <Co>'), str(Everything(renderer=FormRenderer())["text"]))

    def test_it_leaves_a_template_of_the_projects_own_to_the_template(self) -> None:
        renderer = FormRenderer()
        # A project's replacement (or an app's) is not Django's file: it renders as written.
        renderer._own["django/forms/widgets/text.html"] = False
        form = Everything(renderer=renderer)
        with rendered() as names:
            str(form["text"])
        self.assertIn("django/forms/widgets/text.html", names)
        # And Django's own file is what the engine finds today for every name taken over.
        fresh = FormRenderer()
        for name in fresh._fast:
            self.assertTrue(fresh._is_djangos(name), name)

    def test_an_option_of_a_template_of_its_own_is_rendered_by_it(self) -> None:
        class Own(forms.Form):
            pick = forms.ChoiceField(choices=[("a", "A")], widget=OwnOption)

        # The select goes to its template, which includes the option's (missing here).
        with self.assertRaisesMessage(TemplateDoesNotExist, "web/tests/own_option.html"):
            str(Own(renderer=FormRenderer())["pick"])

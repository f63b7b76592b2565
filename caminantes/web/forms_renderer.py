"""The form renderer: Django's widget templates, the commonest of them written in Python.

A form page renders a template per input (three for a number field: number.html includes
input.html, which includes attrs.html), two per field for its error list even when it has no
error, and two more per option of a select (a country list: some 500). Each is one line of
markup with a context of its own to build, and a form shown again with its errors renders
them all again. Here those lines are written with `format_html`, the same markup (a test
renders every kind both ways); every other template (textarea, radio, file with a value)
renders as usual, through TEMPLATES, so caminantes/templates may replace any of them.
A name is only taken over while the template the engine would use is Django's own file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

DJANGO_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"
WIDGETS = "django/forms/widgets/"
# The widgets whose template is only input.html (`{% include %}`d).
INPUT_WIDGETS = (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
    "time", "search", "tel", "color", "checkbox",
)  # fmt: skip
ERROR_LIST = "django/forms/errors/list/default.html"


def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """As attrs.html: False leaves an attribute out, True writes its name alone, any other
    value is written as text, escaped (every piece comes from format_html)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def render_input(context: dict[str, Any]) -> SafeString:
    """input.html."""
    w = context["widget"]
    value = w["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        w["type"],
        w["name"],
        format_html(' value="{}"', str(value)) if value is not None else "",
        html_attrs(w["attrs"]),
    )


def render_select(context: dict[str, Any]) -> SafeString:
    """select.html with each select_option.html inside (an option of another template is
    left to the caller: see FormRenderer.render)."""
    w = context["widget"]
    parts: list[str] = [format_html('<select name="{}"{}>', w["name"], html_attrs(w["attrs"]))]
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    html_attrs(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every part went through format_html


def _plain_options(context: dict[str, Any]) -> bool:
    return all(
        option["template_name"] == f"{WIDGETS}select_option.html"
        for _name, options, _index in context["widget"]["optgroups"]
        for option in options
    )


class FormRenderer(TemplatesSetting):
    """Django's TemplatesSetting renderer, with the templates above written in Python."""

    def __init__(self) -> None:
        super().__init__()
        self._own: dict[str, bool] = {}
        self._fast: dict[str, Callable[[dict[str, Any]], str | None]] = {
            f"{WIDGETS}{name}.html": render_input for name in INPUT_WIDGETS
        }
        self._fast[f"{WIDGETS}select.html"] = lambda c: (
            render_select(c) if _plain_options(c) else None
        )
        self._fast[ERROR_LIST] = lambda c: "" if not c["errors"] else None

    def _is_djangos(self, template_name: str) -> bool:
        """Whether the engine would render Django's own file for this name (not one of
        caminantes/templates or an app's)."""
        own = self._own.get(template_name)
        if own is None:
            origin = getattr(self.get_template(template_name), "origin", None)
            path = Path(str(getattr(origin, "name", ""))).resolve()
            own = self._own[template_name] = path.is_relative_to(DJANGO_TEMPLATES)
        return own

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = self._fast.get(template_name)
        if fast is not None and self._is_djangos(template_name):
            html = fast(context)
            if html is not None:
                return html
        return super().render(template_name, context, request)

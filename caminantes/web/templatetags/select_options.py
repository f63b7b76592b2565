"""`{% select_options widget %}`: a select's options written in Python, not one template each.

Django's `select.html` includes `select_option.html` for every option, and that includes
`attrs.html`: a country or nationality list renders some 500 templates, each with its own
context, on every page that shows it (and again on every form that comes back with an error).
This writes the same markup as those two templates (caminantes/templates/django/forms/
widgets/select.html uses it); an option with a template of its own is still rendered by it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """As `django/forms/widgets/attrs.html`: False leaves an attribute out, True writes its
    name alone, any other value is written as text, escaped."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


@register.simple_tag
def select_options(widget: dict[str, Any]) -> SafeString:
    parts: list[str] = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            if option["template_name"] == OPTION_TEMPLATE:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        html_attrs(option["attrs"]),
                        option["label"],
                    )
                )
            else:
                parts.append("\n  " + render_to_string(option["template_name"], {"widget": option}))
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))

"""Readable labels for the audit trail: roles and object types in the reader's language."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.utils.translation import gettext as _

from caminantes.accounts.permissions import Role
from caminantes.audit import actions

register = template.Library()


@register.filter
def role_labels(value: str) -> str:
    labels = []
    for code in (value or "").split(","):
        try:
            labels.append(str(Role(code).label))
        except ValueError:
            if code:
                labels.append(code)
    return ", ".join(labels)


@register.filter
def object_label(value: str) -> str:
    if not value:
        return ""
    if value.startswith("page:"):
        return _("page")
    try:
        return str(apps.get_model(value)._meta.verbose_name)
    except (LookupError, ValueError):
        return value


@register.filter
def action_label(value: str) -> str:
    return actions.label(value)

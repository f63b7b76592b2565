"""Readable labels for the audit trail: actions and object types in the reader's language.

Roles are labelled by accounts (`{% load account_labels %}`): audit sits below accounts."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.utils.translation import gettext as _

from caminantes.audit import actions

register = template.Library()


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

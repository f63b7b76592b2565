"""Readable labels for accounts' codes in templates: roles in the reader's language."""

from __future__ import annotations

from django import template

from caminantes.accounts.permissions import Role

register = template.Library()


@register.filter
def role_labels(value: str) -> str:
    """Role codes joined by commas, as the audit trail keeps them, as readable labels."""
    labels = []
    for code in (value or "").split(","):
        try:
            labels.append(str(Role(code).label))
        except ValueError:
            if code:
                labels.append(code)
    return ", ".join(labels)

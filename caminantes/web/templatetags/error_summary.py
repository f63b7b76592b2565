"""`{% error_summary form formset ... %}`: the problems of a form page, listed at its top."""

from __future__ import annotations

from typing import Any

from django import template

from caminantes.lib.form_errors import problems

register = template.Library()


@register.inclusion_tag("error_summary.html")
def error_summary(*targets: Any, labels: Any = None) -> dict[str, Any]:
    """Forms, formsets, or a mapping of input name to messages (with `labels` by name)."""
    return {"problems": problems(*targets, labels=labels)}

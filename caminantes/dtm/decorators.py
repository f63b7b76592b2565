"""The gate of the DTM pages that enumerators and analysts share."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest

from caminantes.accounts import policies
from caminantes.accounts.decorators import View, perm_required
from caminantes.accounts.permissions import Perm


def dtm_perm_required(view: View) -> View:
    """Either DTM permission opens the page: an analyst's (DTM_ANALYSE) is checked first,
    then an enumerator's (DTM_COLLECT); without either, 403 (and audited), as
    `perm_required` does."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        perm = Perm.DTM_ANALYSE if policies.has_perm(request.user, Perm.DTM_ANALYSE) else None
        return perm_required(perm or Perm.DTM_COLLECT)(view)(request, *args, **kwargs)

    return wrapped

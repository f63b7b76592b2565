"""Builders for field collection's review queue: a form and a submission of each
organisation (registered in BUILDERS by tests.world)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS


def _form(org: Organization, member: User) -> Any:
    from caminantes.collect.models import Form, FormVersion

    form, created = Form.objects.get_or_create(
        organization=org, form_id="world_registro",
        defaults={"title": "Registro de hogares", "kind": "household_registration",
                  "country": org.countries.first()},
    )  # fmt: skip
    if created:
        FormVersion.objects.create(
            form=form, version="1", xlsform=b"", xform="<x/>", md5="0" * 32, is_current=True,
            questions=[{"name": "nota", "type": "text", "path": "nota"}],
        )  # fmt: skip
    return form


def _submission(org: Organization, member: User) -> Any:
    from caminantes.collect.models import Submission

    form = _form(org, member)
    existing = Submission.objects.filter(form=form).first()
    if existing is not None:
        return existing
    iid = f"uuid:{uuid.uuid4()}"
    xml = (
        f'<data id="world_registro"><nota>hola</nota>'
        f"<meta><instanceID>{iid}</instanceID></meta></data>"
    )
    return Submission.objects.create(
        form=form, form_version=form.versions.get(is_current=True), instance_id=iid, xml=xml,
        xml_sha256=hashlib.sha256(xml.encode()).hexdigest(), status="review",
        review_reason="El formulario no tiene país.", answers={"nota": "hola"},
        extra_answers={"nota": "hola"},
    )  # fmt: skip


def _collect_register() -> None:
    from caminantes.collect import models as m

    BUILDERS.setdefault(m.Form, _form)
    BUILDERS[m.Submission] = _submission


_collect_register()

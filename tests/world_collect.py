"""The foreign world's field collection: a form with its current version, an app user
holding it, and a submission whose answers carry the planted name (see tests/world.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from caminantes.accounts.models import Organization, User
from tests.world import BUILDERS, plant

XFORM = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">
<h:head><h:title>Foreign form</h:title><model><instance>
<data id="foreign_form" version="1"><name/><meta><instanceID/></meta></data>
</instance></model></h:head><h:body/></h:html>"""


def _form(org: Organization, member: User) -> Any:
    from caminantes.collect.models import Form

    return Form.objects.get_or_create(
        organization=org, form_id="foreign_form",
        defaults={"title": "Foreign form", "country": org.countries.first(),
                  "kind": "other", "created_by": member},
    )[0]  # fmt: skip


def _version(org: Organization, member: User) -> Any:
    from caminantes.collect.models import FormVersion

    form = _form(org, member)
    return FormVersion.objects.get_or_create(
        form=form, version="1",
        defaults={"xlsform": b"", "xform": XFORM, "is_current": True,
                  "md5": hashlib.md5(XFORM.encode()).hexdigest(),  # noqa: S324 - OpenRosa's
                  "questions": [{"name": "name", "type": "text", "path": "/data/name"}]},
    )[0]  # fmt: skip


def _app_user(org: Organization, member: User) -> Any:
    from caminantes.collect.models import AppUser

    user, made = AppUser.objects.get_or_create(
        organization=org, name="Foreign phone",
        defaults={"token_hash": hashlib.sha256(f"foreign-{org.pk}".encode()).hexdigest(),
                  "created_by": member},
    )  # fmt: skip
    if made:
        user.forms.add(_form(org, member))
    return user


def _submission(org: Organization, member: User) -> Any:
    from caminantes.collect.models import Submission

    version = _version(org, member)
    name = plant(org).given_names
    xml = (
        f'<data id="foreign_form" version="1"><name>{name}</name>'
        f"<meta><instanceID>uuid:foreign-{org.pk}</instanceID></meta></data>"
    )
    return Submission.objects.get_or_create(
        form=version.form, instance_id=f"uuid:foreign-{org.pk}",
        defaults={"form_version": version, "xml": xml,
                  "xml_sha256": hashlib.sha256(xml.encode()).hexdigest(),
                  "submitted_by": member, "status": "review",
                  "review_reason": "Foreign reason", "answers": {"/data/name": name},
                  "extra_answers": {"/data/name": name}},
    )[0]  # fmt: skip


def _register() -> None:
    from caminantes.collect import models as m

    BUILDERS.update({
        m.Form: _form, m.FormVersion: _version, m.AppUser: _app_user,
        m.Submission: _submission,
    })  # fmt: skip


_register()

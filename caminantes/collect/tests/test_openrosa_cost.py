"""What a submission costs, and the shortcuts taken for it: the look-ups compiled once, the
form definition kept per version (never served to another version, nor after the version's
questions changed), the refusals unchanged."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caminantes.audit.models import AuditEvent
from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import FormVersion, Submission, SubmissionStatus
from caminantes.collect.processing import questions
from caminantes.collect.tests.base import (
    CollectTestCase,
    instance_xml,
    new_instance_id,
    post_submission,
)

# The sample form, with "personas" allowed only below 5 (the sample says below 30).
STRICTER = [
    row if row[1] != "personas" else (*row[:4], ". > 0 and . < 5", row[5])
    for row in sample_xlsform.SURVEY
]


class SubmissionCostTest(CollectTestCase):
    def post(self, iid: str, **kw: Any) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            r = post_submission(self.client, self.key("submission"), instance_xml(iid, **kw))
        self.assertEqual(r.status_code, 201, r.content)

    def send(self, **kw: Any) -> Submission:
        iid = new_instance_id()
        self.post(iid, **kw)
        return Submission.objects.get(instance_id=iid)

    def test_a_new_submission_reads_little_and_never_the_xlsform(self) -> None:
        self.send()  # the look-ups compiled, the definition kept
        iid = new_instance_id()
        with CaptureQueriesContext(connection) as queries:
            self.post(iid)
        sub = Submission.objects.get(instance_id=iid)
        sql = [q["sql"] for q in queries.captured_queries]
        selects = [s for s in sql if s.lstrip().upper().startswith("SELECT") and "pg_" not in s]
        # The app user, the form with its version, the submission to process with its
        # form; the audit chain's last hash before each of its two events.
        self.assertEqual(len(selects), 5, "\n".join(selects))
        self.assertFalse([s for s in sql if "xlsform" in s])
        self.assertEqual(sub.status, SubmissionStatus.PROCESSED)
        self.assertEqual(
            list(AuditEvent.objects.filter(object_uuid=sub.uuid).values_list("action", flat=True)),
            ["update", "create"],  # processed, received: each write audited
        )

    def test_each_version_is_checked_by_its_own_rules(self) -> None:
        self.assertEqual(self.send(personas=9).flags, [])  # below 30: fine by version 1
        with mock.patch.object(sample_xlsform, "SURVEY", STRICTER):
            services.form_upload(
                actor=self.carla, organization=self.iom, content=sample_xlsform.build(version="2")
            )
        flagged = self.send(personas=9, version="2")
        self.assertEqual([f["question"] for f in flagged.flags], ["hogar/personas"])
        self.assertEqual(self.send(personas=9).flags, [])  # version 1 still its own rules

    def test_questions_changed_in_place_are_read_again(self) -> None:
        self.assertEqual(self.send(personas=9).flags, [])
        version = FormVersion.objects.get(form=self.form, version="1")
        changed = [
            {**q, "constraint": ". < 5"} if q["name"] == "personas" else q
            for q in version.questions
        ]
        FormVersion.objects.filter(pk=version.pk).update(questions=changed)  # no signal
        self.assertEqual([f["question"] for f in self.send(personas=9).flags], ["hogar/personas"])

    def test_a_version_stored_without_questions_is_converted_once(self) -> None:
        version = services.form_upload(
            actor=self.carla, organization=self.iom, content=sample_xlsform.build(version="3")
        ).version
        FormVersion.objects.filter(pk=version.pk).update(questions=[])
        with mock.patch.object(
            questions, "questions_from_xlsform", wraps=questions.questions_from_xlsform
        ) as convert:
            first = self.send(personas=31, version="3")
            second = self.send(personas=32, version="3")
        self.assertEqual(convert.call_count, 1)
        for sub in (first, second):
            self.assertEqual([f["question"] for f in sub.flags], ["hogar/personas"])

    def test_a_closed_form_is_refused_with_409_and_the_refusal_audited(self) -> None:
        self.form.is_open = False
        self.form.save(update_fields=["is_open"])
        r = post_submission(self.client, self.key("submission"), instance_xml(new_instance_id()))
        self.assertEqual(r.status_code, 409)
        self.assertFalse(Submission.objects.exists())
        denial = AuditEvent.objects.get(action="access_denied", context__reason="form_closed")
        self.assertEqual(denial.object_uuid, self.form.uuid)

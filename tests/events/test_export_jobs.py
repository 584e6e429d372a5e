"""Exports above EXPORT_BACKGROUND_ROWS are written by a worker: the request answers at once with a
progress page, the file is offered when ready, to the person who asked only, and not kept forever."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import event_give
from events.export_jobs import export_job_build, export_job_path, export_jobs_purge
from events.models import ExportJob, ExportState
from tests.factories import PASSWORD, ParticipantFactory, UserFactory


@pytest.fixture
def many(event, settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 3
    settings.EXPORT_DIR = str(tmp_path / "exports")
    for i in range(5):
        ParticipantFactory(event=event, email=f"p{i}@example.org", is_registered=i % 2 == 0)
    return event


def _start(client, event, fmt="xlsx", **params):
    return client.get(reverse("events:participant_export", args=[event.slug, fmt]), params)


def test_a_large_export_answers_with_a_progress_page_and_queues_the_work(client_member, many):
    response = _start(client_member, many)
    job = ExportJob.objects.get(event=many)
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{job.pk}/")
    assert (job.state, job.total, job.fmt) == (ExportState.QUEUED, 5, "xlsx")
    page = client_member.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'id="export-progress"' in page and "export-download" not in page


def test_a_small_export_is_still_sent_in_the_same_request(client_member, many, settings):
    settings.EXPORT_BACKGROUND_ROWS = 10
    response = _start(client_member, many, "csv")
    assert response.status_code == 200 and response.streaming and not ExportJob.objects.exists()


def test_the_written_file_follows_the_filters_and_is_offered_once_ready(client_member, many, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2
    _start(client_member, many, registered="yes")
    job = ExportJob.objects.get(event=many)
    export_job_build(job_id=job.pk)  # what the worker runs (tests/events/test_worker_roundtrip: the worker)
    job.refresh_from_db()
    assert (job.state, job.written) == (ExportState.READY, 3)
    page = client_member.get(reverse("events:export_job", args=[many.slug, job.pk]), HTTP_HX_REQUEST="true")
    assert 'id="export-download"' in page.content.decode() and "hx-get" not in page.content.decode()
    download = client_member.get(reverse("events:export_job_download", args=[many.slug, job.pk]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment") and job.file_name in disposition
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert sorted(row[0] for row in rows[1:]) == ["p0@example.org", "p2@example.org", "p4@example.org"]


def test_only_the_person_who_asked_can_see_or_download_it(client, many, user):
    client.login(username=user.username, password=PASSWORD)
    _start(client, many)
    job = ExportJob.objects.get(event=many)
    export_job_build(job_id=job.pk)
    colleague = UserFactory()
    event_give(event=many, user=colleague)  # an organizer of the event: may export, but not this one
    client.login(username=colleague.username, password=PASSWORD)
    assert client.get(reverse("events:export_job", args=[many.slug, job.pk])).status_code == 404
    assert client.get(reverse("events:export_job_download", args=[many.slug, job.pk])).status_code == 404


def test_exports_older_than_the_keeping_time_are_deleted_with_their_file(client_member, many, settings):
    _start(client_member, many)
    job = ExportJob.objects.get(event=many)
    export_job_build(job_id=job.pk)
    assert export_job_path(job).exists()
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=settings.EXPORT_KEEP_HOURS, minutes=1)
    )
    assert client_member.get(reverse("events:export_job", args=[many.slug, job.pk])).status_code == 404
    assert export_jobs_purge() == 1 and not export_job_path(job).exists()


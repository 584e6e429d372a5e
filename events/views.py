"""Back-office pages of an event: the event list, the participant grid and its exports, the participant
form, check-in, import. Thin: each view resolves the event through `event_get_for_user` (404 for a
non-member), validates with a form and calls one service or selector."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_export_personal_data
from backoffice.signed_in_request import SignedInRequest
from events import services
from events.export_jobs import export_job_get, export_job_path
from events.export_queue import export_job_start
from events.exporting import CONTENT_TYPES, export_response
from events.forms import GridFilterForm, ImportForm, ParticipantForm
from events.importing import UnreadableFile, import_parse
from events.models import ExportState, SyncState
from events.selectors import (
    event_fields,
    event_get_for_user,
    events_for_user,
    participant_get,
    participant_grid_counts,
    participant_grid_page,
    participants_filtered,
)
from events.sync_outlook import sync_outlook

PAGE_SIZE = 50
# Grid columns that sort: (sort key, label).
SORTABLE_COLUMNS = [
    ("name", "Name"),
    ("email", "Email"),
    ("company", "Company"),
    ("registered", "Registered"),
    ("came", "Came"),
    ("sync_state", "Sync state"),
    ("sync_date", "Salesforce sync date"),
]
EMAIL_TAKEN = "Another participant of this event already has this email."
# The database's case-insensitive comparison found two equal emails that ours did not: nothing was saved.
IMPORT_EMAIL_CLASH = (
    "An email of this file is another participant's email written with other letter cases; "
    "nothing was imported. Make the two emails the same, then upload the file again."
)


@login_required
def event_list(request: SignedInRequest) -> HttpResponse:
    events = (
        events_for_user(user=request.user)
        .select_related("account")
        .annotate(participant_count=Count("participants"))
    )
    return render(request, "events/event_list.html", {"events": events})


def _sort_columns(current: str) -> list[dict]:
    columns = []
    for key, label in SORTABLE_COLUMNS:
        active = current.lstrip("-") == key
        descending = active and current.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "next": key if descending or not active else f"-{key}",
                "arrow": ("▼" if descending else "▲") if active else "",
            }
        )
    return columns


@login_required
@require_GET
def participant_list(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    form = GridFilterForm(request.GET)
    form.is_valid()  # errors are shown inline; the valid filters still apply
    filters = form.filters()
    page = participant_grid_page(
        queryset=participants_filtered(event=event, filters=filters),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    context = {
        "event": event,
        "section": "participants",
        "form": form,
        "page": page,
        "counts": participant_grid_counts(event=event),
        "sync_outlook": sync_outlook(event=event),
        "columns": _sort_columns(filters.sort),
        "sort": filters.sort,
    }
    return render(request, "events/participant_list.html", context)


@login_required
@require_GET
def participant_export(request: SignedInRequest, slug: str, fmt: str) -> HttpResponseBase:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_export_personal_data)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown export format.")
    form = GridFilterForm(request.GET)
    if not form.is_valid():
        # Exporting something other than what the user asked for would mislead: show the errors.
        messages.error(request, "Fix the filters before exporting.")
        return redirect(f"{reverse('events:participant_list', args=[slug])}?{request.GET.urlencode()}")
    filters = form.filters()
    queryset = participants_filtered(event=event, filters=filters)
    filename = f"{event.slug}-participants-{timezone.localdate():%Y-%m-%d}"
    total = queryset.count()
    if total > settings.EXPORT_BACKGROUND_ROWS:
        job = export_job_start(
            event=event, user=request.user, fmt=fmt, filters=filters, total=total, file_name=filename
        )
        return redirect("events:export_job", slug=slug, pk=job.pk)
    return export_response(fmt=fmt, specs=event_fields(event=event), queryset=queryset, filename=filename)


@login_required
@require_GET
def export_job(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """A background export's progress (htmx polls its partial) and, once ready, its download link."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_export_personal_data)
    job = export_job_get(event=event, user=request.user, pk=pk)
    keep_hours = settings.EXPORT_KEEP_HOURS
    context = {"event": event, "section": "participants", "job": job, "keep_hours": keep_hours}
    if request.htmx:
        return render(request, "events/_export_job.html", context)
    return render(request, "events/export_job.html", context)


@login_required
@require_GET
def export_job_download(request: SignedInRequest, slug: str, pk: int) -> HttpResponseBase:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_export_personal_data)
    job = export_job_get(event=event, user=request.user, pk=pk)
    path = export_job_path(job)
    if job.state != ExportState.READY or not path.exists():
        raise Http404("This export is not ready.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name,
                        content_type=CONTENT_TYPES[job.fmt])


@login_required
@require_POST
def participant_retry_failed(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    count = services.participants_mark_pending(event=event, only_state=SyncState.FAILED)
    messages.success(request, f"{count} failed participant(s) will be sent to Salesforce again.")
    return redirect("events:participant_list", slug=slug)


def _save_participant(form: ParticipantForm, event, participant=None):
    """Create or update through the services; a concurrent duplicate email becomes a form error."""
    try:
        if participant is None:
            return services.participant_create(event=event, values=form.values())
        return services.participant_update(participant=participant, values=form.values())
    except IntegrityError:
        form.add_error("email", EMAIL_TAKEN)
        return None


@login_required
def participant_create(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    form = ParticipantForm(request.POST or None, event=event, specs=event_fields(event=event))
    if request.method == "POST" and form.is_valid():
        participant = _save_participant(form, event)
        if participant is not None:
            messages.success(request, f"{participant.email} was added.")
            return redirect("events:participant_edit", slug=slug, pk=participant.pk)
    context = {"event": event, "section": "participants", "form": form, "participant": None}
    return render(request, "events/participant_form.html", context)


@login_required
def participant_edit(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    participant = participant_get(event=event, pk=pk)
    form = ParticipantForm(
        request.POST or None, event=event, specs=event_fields(event=event), instance=participant
    )
    if request.method == "POST" and form.is_valid():
        if _save_participant(form, event, participant) is not None:
            messages.success(request, f"Saved. {sync_outlook(event=event, participant=participant)}".strip())
            return redirect("events:participant_edit", slug=slug, pk=pk)
    context = {
        "event": event,
        "section": "participants",
        "form": form,
        "participant": participant,
        "sync_outlook": sync_outlook(event=event, participant=participant),
    }
    return render(request, "events/participant_form.html", context)


@login_required
@require_POST
def participant_check_in(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    participant = participant_get(event=event, pk=pk)
    services.participant_check_in(participant=participant)
    messages.success(request, f"{participant.full_name or participant.email} is checked in.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return redirect(back)
    return redirect("events:participant_edit", slug=slug, pk=pk)


@login_required
def participant_import(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"event": event, "section": "import", "form": form, "specs": event_fields(event=event)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = import_parse(event=event, file=upload, name=upload.name)
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
            return render(request, "events/participant_import.html", context)
        if not parsed.ok:
            context.update(errors=parsed.errors, stopped=parsed.stopped, file_name=upload.name)
            return render(request, "events/participant_import.html", context)
        try:
            result = services.participants_import(event=event, rows=parsed.rows)
        except IntegrityError:
            form.add_error("file", IMPORT_EMAIL_CLASH)
            return render(request, "events/participant_import.html", context)
        messages.success(
            request,
            f"Imported {upload.name}: {result.created} participant(s) created, {result.updated} updated, "
            f"{result.unchanged} unchanged.",
        )
        return redirect("events:participant_list", slug=slug)
    return render(request, "events/participant_import.html", context)

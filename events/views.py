from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors import event_get_for_user, events_for_user


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = events_for_user(user=request.user)
    return render(request, "events/event_list.html", {"events": events})


@login_required
def participant_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    participants = event.participants.all()[:50]
    return render(
        request,
        "events/participant_list.html",
        {"event": event, "section": "participants", "participants": participants},
    )


participant_create = participant_edit = participant_check_in = participant_list
participant_import = field_list = participant_list


def participant_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return participant_list(request, slug)


def registration(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse("Registration")

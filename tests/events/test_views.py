"""The back-office pages as an organizer sees them."""

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.services import event_give
from events.models import Participant, SyncState
from tests.factories import EventFactory, ParticipantFactory, UserFactory


def grid_url(event, **params) -> str:
    from urllib.parse import urlencode

    return reverse("events:participant_list", args=[event.slug]) + ("?" + urlencode(params) if params else "")


PUBLIC_PAGES = {"registration", "registration_thanks", "registration_check_inbox", "registration_confirm"}


def member_only_urls(event, participant, field) -> list[str]:
    """Every URL of events/urls.py that takes an event, filled for `event`: a new page cannot be forgotten."""
    from events.urls import urlpatterns

    urls = []
    for pattern in urlpatterns:
        converters = pattern.pattern.converters
        if "slug" not in converters or pattern.name in PUBLIC_PAGES:
            continue
        kwargs = {"slug": event.slug}
        if "pk" in converters:
            kwargs["pk"] = field.pk if pattern.name.startswith("field_") else participant.pk
        if "fmt" in converters:
            kwargs["fmt"] = "xlsx"
        urls.append(reverse(f"events:{pattern.name}", kwargs=kwargs))
    return urls


def test_every_page_and_action_of_another_event_answers_404_and_changes_nothing(client_member):
    other = EventFactory()
    stranger = ParticipantFactory(event=other, company="Untouched")
    field = other.custom_fields.create(key="size", label="Size")
    urls = member_only_urls(other, stranger, field)
    assert len(urls) >= 9
    forged = {"email": "x@example.com", "company": "Changed"}
    for url in urls:
        # 405 (wrong method) is refused before anything is looked up; the right method meets a 404.
        statuses = {client_member.get(url).status_code, client_member.post(url, forged).status_code}
        assert 404 in statuses and statuses <= {404, 405}, (url, statuses)
    stranger.refresh_from_db()
    assert stranger.company == "Untouched" and not stranger.has_come
    assert other.custom_fields.filter(key="size").exists()


def test_anonymous_visitors_are_sent_to_login_from_every_member_page(client, event):
    participant = ParticipantFactory(event=event)
    field = event.custom_fields.create(key="size", label="Size")
    for url in member_only_urls(event, participant, field):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_another_events_participant_cannot_be_seen_or_checked_in(client_member, event):
    stranger = ParticipantFactory(event=EventFactory())
    edit = reverse("events:participant_edit", args=[event.slug, stranger.pk])
    check_in = reverse("events:participant_check_in", args=[event.slug, stranger.pk])
    assert client_member.get(edit).status_code == 404
    assert client_member.post(check_in).status_code == 404
    stranger.refresh_from_db()
    assert stranger.has_come is False


def test_anonymous_user_is_sent_to_login(client, event):
    response = client.get(grid_url(event))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_superuser_sees_every_event(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    event = EventFactory()
    assert client.get(grid_url(event)).status_code == 200


def test_event_list_shows_only_my_events(client_member, event):
    other = EventFactory(name="Secret Summit")
    page = client_member.get(reverse("events:event_list")).content.decode()
    assert event.name in page and other.name not in page


def test_grid_header_row_badges_and_errors(client_member, event):
    ParticipantFactory(
        event=event,
        email="ok@example.com",
        salesforce_sync_state=SyncState.SYNCED,
        salesforce_sync_date=timezone.now(),
    )
    ParticipantFactory(
        event=event,
        email="bad@example.com",
        salesforce_sync_state=SyncState.FAILED,
        salesforce_error_code="INVALID_EMAIL_ADDRESS",
        salesforce_error_message="Email: invalid email address",
    )
    ParticipantFactory(event=event, email="wait@example.com")
    page = client_member.get(grid_url(event)).content.decode()
    assert "<strong>1</strong> of <strong>3</strong> participants synchronized with Salesforce" in page
    assert "1 pending" in page and "1 failed" in page
    assert 'class="badge failed"' in page and "INVALID_EMAIL_ADDRESS" in page
    assert "Retry failed (1)" in page


def test_reversed_date_range_says_so_and_lists_nobody(client_member, event):
    ParticipantFactory(event=event, email="zed@example.com", salesforce_sync_date=timezone.now())
    page = client_member.get(grid_url(event, from_date="2026-05-01", to_date="2026-04-01")).content.decode()
    assert "The end date is before the start date: no participant can match." in page
    assert "zed@example.com" not in page and "No participant matches these filters." in page


def test_malformed_filter_date_gives_an_inline_message_and_keeps_other_filters(client_member, event):
    ParticipantFactory(event=event, email="zed@example.com", last_name="Zed")
    ParticipantFactory(event=event, email="amy@example.com", last_name="Amy")
    response = client_member.get(grid_url(event, sync_date="between", from_date="2026-02-31", q="zed"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not a valid date: use YYYY-MM-DD" in page
    assert "zed@example.com" in page and "amy@example.com" not in page


def test_export_with_a_malformed_date_goes_back_to_the_grid_with_the_message(client_member, event):
    url = reverse("events:participant_export", args=[event.slug, "csv"]) + "?from_date=31/12/2026"
    response = client_member.get(url, follow=True)
    assert "Not a valid date" in response.content.decode()
    assert "Fix the filters before exporting" in response.content.decode()


def test_grid_paginates_and_sorts(client_member, event):
    for i in range(60):
        ParticipantFactory(event=event, email=f"p{i:02d}@example.com", last_name=f"N{i:02d}")
    first = client_member.get(grid_url(event, sort="-email")).content.decode()
    assert "p59@example.com" in first and "p00@example.com" not in first
    second = client_member.get(grid_url(event, sort="-email", page=2)).content.decode()
    assert "p00@example.com" in second and "Page 2 of 2" in second


def test_check_in_from_the_grid_returns_to_the_same_filtered_page(client_member, event):
    participant = ParticipantFactory(event=event)
    back = grid_url(event, q=participant.last_name)
    url = reverse("events:participant_check_in", args=[event.slug, participant.pk])
    response = client_member.post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    participant.refresh_from_db()
    assert participant.has_come and participant.salesforce_sync_state == SyncState.PENDING


def test_check_in_refuses_an_outside_redirect(client_member, event):
    participant = ParticipantFactory(event=event)
    url = reverse("events:participant_check_in", args=[event.slug, participant.pk])
    response = client_member.post(url, {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("events:participant_edit", args=[event.slug, participant.pk])


def test_check_in_needs_post(client_member, event):
    participant = ParticipantFactory(event=event)
    url = reverse("events:participant_check_in", args=[event.slug, participant.pk])
    assert client_member.get(url).status_code == 405


def test_retry_failed_button_marks_failed_pending(client_member, event):
    failed = ParticipantFactory(event=event, salesforce_sync_state=SyncState.FAILED)
    response = client_member.post(reverse("events:participant_retry_failed", args=[event.slug]), follow=True)
    assert "1 failed participant(s) will be sent to Salesforce again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.salesforce_sync_state == SyncState.PENDING


def test_participant_form_validates_each_field_type(client_member, event, custom_fields):
    url = reverse("events:participant_create", args=[event.slug])
    response = client_member.post(
        url,
        {
            "email": "",
            "sessions_count": "twelve",
            "ticket": "Platinum",
            "sessions": ["Keynote", "Nap"],
            "arrival": "tomorrow",
            "newsletter": "maybe",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Sessions attended: expected a number, got &#x27;twelve&#x27;." in page
    assert "Select a valid choice. Platinum is not one of the available choices." in page
    assert "Select a valid choice. Nap is not one of the available choices." in page
    assert "Enter a valid date." in page
    assert 'aria-invalid="true"' in page
    assert not Participant.objects.exists()


def test_participant_form_saves_typed_values(client_member, event, custom_fields):
    url = reverse("events:participant_create", args=[event.slug])
    response = client_member.post(
        url,
        {
            "email": "  Sean.O'Connor@Example.ie ",
            "first_name": "Seán",
            "last_name": "O'Connor",
            "sessions_count": "3",
            "ticket": "VIP",
            "sessions": ["Keynote", "Workshop, hands-on"],
            "arrival": "2026-06-11",
            "booth": "on",
            "newsletter": "false",
            "photo": "https://files.example.com/sean.jpg",
            "allows_networking": "true",
        },
    )
    assert response.status_code == 302
    participant = event.participants.get()
    assert participant.email == "Sean.O'Connor@Example.ie"
    assert participant.data == {
        "shirt": "",
        "notes": "",
        "sessions_count": 3,
        "ticket": "VIP",
        "sessions": ["Keynote", "Workshop, hands-on"],
        "arrival": "2026-06-11",
        "booth": True,
        "newsletter": False,
        "photo": "https://files.example.com/sean.jpg",
    }
    assert participant.allows_networking is True


def test_duplicate_email_is_refused_inline_whatever_the_case(client_member, event):
    ParticipantFactory(event=event, email="ana@example.com")
    url = reverse("events:participant_create", args=[event.slug])
    response = client_member.post(url, {"email": " ANA@example.com"})
    assert "Another participant of this event already has this email." in response.content.decode()
    assert event.participants.count() == 1


def test_editing_keeps_own_email_and_marks_pending(client_member, event):
    participant = ParticipantFactory(event=event, email="ana@example.com", salesforce_sync_state="synced")
    url = reverse("events:participant_edit", args=[event.slug, participant.pk])
    assert client_member.get(url).status_code == 200
    response = client_member.post(url, {"email": "ana@example.com", "company": "Initech"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.company == "Initech" and participant.salesforce_sync_state == SyncState.PENDING


def test_fields_page_adds_edits_and_deletes_a_custom_field(client_member, event):
    url = reverse("events:field_list", args=[event.slug])
    page = client_member.get(url).content.decode()
    assert "allows_networking" in page  # built-ins are listed
    bad = client_member.post(url, {"key": "email", "label": "Mail", "type": "Text"}).content.decode()
    assert "This key is a built-in field." in bad
    empty = client_member.post(url, {"key": "size", "label": "Size", "type": "SelectList"}).content.decode()
    assert "A select list needs at least one option." in empty
    response = client_member.post(
        url, {"key": "size", "label": "Size", "type": "SelectList", "options_text": "S\nM\n\nL\nM"}
    )
    assert response.status_code == 302
    field = event.custom_fields.get()
    assert field.options == ["S", "M", "L"]
    edit = reverse("events:field_edit", args=[event.slug, field.pk])
    client_member.post(
        edit,
        {
            "key": "renamed",
            "label": "Shirt size",
            "type": "SelectList",
            "options_text": "S",
            "staff_only": "on",
        },
    )
    field.refresh_from_db()
    assert (field.key, field.label, field.staff_only) == ("size", "Shirt size", True)
    client_member.post(reverse("events:field_delete", args=[event.slug, field.pk]))
    assert not event.custom_fields.exists()


def test_admin_edit_marks_the_participant_pending(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    participant = ParticipantFactory(
        email="ana@example.com", salesforce_sync_state=SyncState.SYNCED, data={"a": 1}
    )
    url = reverse("admin:events_participant_change", args=[participant.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "event": participant.event_id,
            "email": "ana@example.com",
            "first_name": "Ana",
            "last_name": "Lima",
            "company": "Initech",
            "job_title": "",
            "allows_networking": "unknown",
            "data": '{"a": 2}',
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    participant.refresh_from_db()
    assert participant.company == "Initech" and participant.data == {"a": 2}
    assert participant.salesforce_sync_state == SyncState.PENDING and participant.change_counter == 1


def test_staff_who_are_not_superusers_see_only_their_events_participants_in_the_admin(client, event):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_participant", "view_event"]))
    event_give(event=event, user=staff)
    mine = ParticipantFactory(event=event, email="mine@example.com")
    theirs = ParticipantFactory(event=EventFactory(), email="theirs@example.com")
    client.force_login(staff)
    listing = client.get(reverse("admin:events_participant_changelist")).content.decode()
    assert "mine@example.com" in listing and "theirs@example.com" not in listing
    assert client.get(reverse("admin:events_participant_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:events_participant_change", args=[theirs.pk])).status_code == 302
    events_page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert event.name in events_page and theirs.event.name not in events_page

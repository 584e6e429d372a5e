"""The grid's filters, search, sort and header counts."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import SyncState
from events.selectors import ParticipantFilters, participant_grid_counts, participants_filtered
from tests.factories import EventFactory, ParticipantFactory


def at(day: str, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


@pytest.fixture
def people(event):
    return {
        "never": ParticipantFactory(event=event, email="never@example.com", last_name="Abel"),
        "march": ParticipantFactory(
            event=event,
            email="march@example.com",
            last_name="Brun",
            salesforce_sync_date=at("2026-03-10"),
            salesforce_sync_state=SyncState.SYNCED,
        ),
        "april_late": ParticipantFactory(
            event=event,
            email="april@example.com",
            last_name="Caron",
            company="Crème & Café",
            salesforce_sync_date=at("2026-04-30", 23),
            salesforce_sync_state=SyncState.FAILED,
            is_registered=True,
            has_come=True,
        ),
    }


def emails(event, **filters) -> list[str]:
    return [p.email for p in participants_filtered(event=event, filters=ParticipantFilters(**filters))]


def test_sync_date_filters(event, people):
    assert emails(event, sync_date="synced") == ["march@example.com", "april@example.com"]
    assert emails(event, sync_date="never") == ["never@example.com"]


def test_between_two_dates_includes_the_whole_last_day(event, people):
    found = emails(event, sync_date="between", from_date=dt.date(2026, 4, 1), to_date=dt.date(2026, 4, 30))
    assert found == ["april@example.com"]
    assert emails(event, sync_date="between", to_date=dt.date(2026, 3, 31)) == ["march@example.com"]


def test_search_matches_every_word_on_name_email_or_company(event, people):
    assert emails(event, search="crème") == ["april@example.com"]
    assert emails(event, search="MARCH") == ["march@example.com"]
    assert emails(event, search="caron café") == ["april@example.com"]
    assert emails(event, search="caron march") == []


def test_registered_came_and_state_filters(event, people):
    assert emails(event, registered=True, came=True) == ["april@example.com"]
    assert emails(event, came=False) == ["never@example.com", "march@example.com"]
    assert emails(event, sync_state=SyncState.FAILED) == ["april@example.com"]


def test_sort_by_sync_date_descending_lists_newest_synchronization_first(event, people):
    found = emails(event, sort="-sync_date")
    assert found[:2] == ["april@example.com", "march@example.com"] or found[1:] == [
        "april@example.com",
        "march@example.com",
    ]
    assert emails(event, sort="email") == sorted(p.email for p in people.values())


def test_other_events_participants_never_show(event, people):
    ParticipantFactory(event=EventFactory(), email="other@example.com")
    assert "other@example.com" not in emails(event)


def test_grid_counts_are_event_wide_and_count_synchronized_people_by_their_sync_date(event, people):
    # "april" failed its last attempt but Salesforce has had it since April: it counts as synchronized,
    # exactly as the sync-date filter "synchronized" lists it.
    ParticipantFactory(
        event=EventFactory(), salesforce_sync_state=SyncState.SYNCED, salesforce_sync_date=at("2026-03-01")
    )
    counts = participant_grid_counts(event=event)
    assert (counts.total, counts.synced, counts.pending, counts.failed) == (3, 2, 1, 1)
    assert counts.synced == len(emails(event, sync_date="synced"))


def test_a_reversed_date_range_lists_nobody(event, people):
    april_30, march_1 = dt.date(2026, 4, 30), dt.date(2026, 3, 1)
    found = emails(event, sync_date="between", empty_range=True, from_date=april_30, to_date=march_1)
    assert found == []

"""The grid header's counts (kept by triggers, events/counts.py) after a real sync through a worker."""

from events.models import Participant, SyncState
from events.selectors import participant_grid_counts
from events.services import participant_create
from sync.services import force_sync_start
from tests.sync.conftest import settled, wait_until


def test_the_grid_header_counts_everyone_synchronized_after_a_sync_and_a_force_sync(
    connected_event, sync_worker
):
    event = connected_event
    for i in range(3):
        participant_create(
            event=event,
            values={"email": f"count{i}@example.com", "last_name": f"Count{i}", "is_registered": True},
        )
    wait_until(settled(event), message="the first sync")
    counts = participant_grid_counts(event=event)
    assert (counts.total, counts.synced, counts.pending, counts.failed) == (3, 3, 0, 0)
    force_sync_start(event=event)
    wait_until(settled(event), message="the forced sync")
    counts = participant_grid_counts(event=event)
    assert (counts.total, counts.synced, counts.pending, counts.failed) == (3, 3, 0, 0)
    assert (
        counts.synced
        == Participant.objects.filter(event=event, salesforce_sync_state=SyncState.SYNCED).count()
    )

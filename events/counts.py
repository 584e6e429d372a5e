"""The grid header's counts of each event, kept exact by database triggers (see `ParticipantCounts`).

Counting 100,000 participants at each grid request cost more than the rest of the page; a trigger moves
the counts with every insert, update and delete of a participant, in the same transaction, whatever code
path made it. `triggers_ensure` runs after every `migrate`: on SQLite a migration that rebuilds the
participant table (Django's way of altering most columns there) drops the table's triggers with it, so
missing triggers are installed again and the counts recounted from the rows, under the same lock."""

from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Sum

from events.models import Event, ParticipantCounts, SyncState

COUNTS = ("total", "synced", "pending", "failed")
TRIGGERS = (
    "participant_counts_insert",
    "participant_counts_update",
    "participant_counts_delete",
    "participant_counts_event_delete",
)
# PostgreSQL: above this many rows (one per transaction that changed the event's participants), a read
# merges them into the event's row 0, so a read sums a handful of rows, never thousands.
MERGE_ABOVE = 20

TABLE = "events_participantcounts"
PENDING, FAILED = SyncState.PENDING.value, SyncState.FAILED.value


def participant_counts(*, event: Event) -> dict[str, int]:
    """The event's participants: total, with a sync date (synced), pending, failed."""
    summed = ParticipantCounts.objects.filter(event=event).aggregate(
        rows=Count("pk"), **{name: Sum(name) for name in COUNTS}
    )
    if summed["rows"] > MERGE_ABOVE:
        counts_merge(event=event)
    return {name: int(summed[name] or 0) for name in COUNTS}


def counts_merge(*, event: Event) -> None:
    """PostgreSQL: fold the event's committed per-transaction rows into its row 0. Rows of transactions
    still running are not visible to the delete, and two merges never take a row twice (the second waits
    for the first's deletes, then skips the rows they removed)."""
    connection = connections[ParticipantCounts.objects.db]
    if connection.vendor != "postgresql":
        return
    sums = ", ".join(f"COALESCE(SUM({name}), 0)" for name in COUNTS)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f"""WITH merged AS (
                DELETE FROM {TABLE} WHERE event_id = %s AND tx <> 0 RETURNING {", ".join(COUNTS)}
            )
            INSERT INTO {TABLE} AS c (event_id, tx, {", ".join(COUNTS)}) SELECT %s, 0, {sums} FROM merged
            ON CONFLICT (event_id, tx) DO UPDATE SET {_add_excluded("c.")}""",
            [event.pk, event.pk],
        )


def triggers_ensure(*, using: str, **_: Any) -> None:
    """Install the triggers where any is missing, and recount every event from its rows (post_migrate)."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if TABLE not in connection.introspection.table_names():
        return  # migrated backwards past the counts
    if set(TRIGGERS) <= _installed_triggers(connection):
        return
    triggers_install(connection)


def triggers_install(connection: BaseDatabaseWrapper) -> None:
    """(Re)create the triggers and recount every event from its rows: migration 0009 and triggers_ensure."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in _sqlite_triggers() if connection.vendor == "sqlite" else _postgresql_triggers():
            cursor.execute(statement)
        # Under the triggers' lock (PostgreSQL's CREATE TRIGGER blocks writes to the table until commit;
        # SQLite has one writer): no change can slip between the recount and the triggers.
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"""INSERT INTO {TABLE} (event_id, tx, {", ".join(COUNTS)})
            SELECT event_id, 0, COUNT(*), COUNT(salesforce_sync_date),
                   SUM(CASE WHEN salesforce_sync_state = '{PENDING}' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN salesforce_sync_state = '{FAILED}' THEN 1 ELSE 0 END)
            FROM events_participant GROUP BY event_id"""
        )


def triggers_drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (migration 0009 reversed): once the counts table is gone, a trigger left behind
    would make every participant write fail with "no such table"."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, table in zip(TRIGGERS, ["events_participant"] * 3 + ["events_event"], strict=True):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS participant_counts_track(), participant_counts_forget()")


def _installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def _add_excluded(prefix: str = "") -> str:
    return ", ".join(f"{name} = {prefix}{name} + EXCLUDED.{name}" for name in COUNTS)


def _sqlite_terms(row: str) -> dict[str, str]:
    return {
        "total": "1",
        "synced": f"({row}.salesforce_sync_date IS NOT NULL)",
        "pending": f"({row}.salesforce_sync_state = '{PENDING}')",
        "failed": f"({row}.salesforce_sync_state = '{FAILED}')",
    }


def _sqlite_count_in(row: str) -> str:
    """A participant row (NEW) counted into its event's row 0, created at the event's first participant."""
    return f"""INSERT INTO {TABLE} (event_id, tx, {", ".join(COUNTS)})
        VALUES ({row}.event_id, 0, {", ".join(_sqlite_terms(row).values())})
        ON CONFLICT (event_id, tx) DO UPDATE SET {_add_excluded()};"""


def _sqlite_count_out(row: str) -> str:
    """A participant row (OLD) counted out; an update, never a new row: a flush that empties the counts
    table before the participant table must not leave negative rows behind."""
    terms = _sqlite_terms(row)
    return f"""UPDATE {TABLE} SET {", ".join(f"{name} = {name} - {terms[name]}" for name in COUNTS)}
        WHERE event_id = {row}.event_id AND tx = 0;"""


def _sqlite_triggers() -> list[str]:
    counted_change = (
        "OLD.event_id IS NOT NEW.event_id"
        " OR (OLD.salesforce_sync_date IS NULL) IS NOT (NEW.salesforce_sync_date IS NULL)"
        " OR OLD.salesforce_sync_state IS NOT NEW.salesforce_sync_state"
    )
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
        f"""CREATE TRIGGER participant_counts_insert AFTER INSERT ON events_participant
            BEGIN {_sqlite_count_in("NEW")} END""",
        f"""CREATE TRIGGER participant_counts_delete AFTER DELETE ON events_participant
            BEGIN {_sqlite_count_out("OLD")} END""",
        f"""CREATE TRIGGER participant_counts_update
            AFTER UPDATE OF event_id, salesforce_sync_date, salesforce_sync_state ON events_participant
            WHEN {counted_change}
            BEGIN {_sqlite_count_out("OLD")} {_sqlite_count_in("NEW")} END""",
        f"""CREATE TRIGGER participant_counts_event_delete AFTER DELETE ON events_event
            BEGIN DELETE FROM {TABLE} WHERE event_id = OLD.id; END""",
    ]


def _postgresql_add(*sources: tuple[str, str]) -> str:
    """The statement's changed rows (transition tables) counted in (+) or out (-), one row per event
    into this transaction's own row; nothing written when a statement moved no count."""
    rows = " UNION ALL ".join(
        f"""SELECT event_id, {sign}1 AS total, {sign}(salesforce_sync_date IS NOT NULL)::int AS synced,
                   {sign}(salesforce_sync_state = '{PENDING}')::int AS pending,
                   {sign}(salesforce_sync_state = '{FAILED}')::int AS failed FROM {table}"""
        for table, sign in sources
    )
    moved = " OR ".join(f"SUM({name}) <> 0" for name in COUNTS)
    return f"""INSERT INTO {TABLE} AS c (event_id, tx, {", ".join(COUNTS)})
        SELECT event_id, txid_current(), {", ".join(f"SUM({name})" for name in COUNTS)}
        FROM ({rows}) AS changed GROUP BY event_id HAVING {moved}
        ON CONFLICT (event_id, tx) DO UPDATE SET {_add_excluded("c.")};"""


def _postgresql_triggers() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION participant_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {_postgresql_add(("new_rows", "+"))}
            ELSIF TG_OP = 'DELETE' THEN {_postgresql_add(("old_rows", "-"))}
            ELSE {_postgresql_add(("new_rows", "+"), ("old_rows", "-"))}
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION participant_counts_forget() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM {TABLE} WHERE event_id = OLD.id; RETURN NULL; END $$""",
        *(
            f"DROP TRIGGER IF EXISTS {name} ON {table}"
            for name, table in zip(TRIGGERS, ["events_participant"] * 3 + ["events_event"], strict=True)
        ),
        """CREATE TRIGGER participant_counts_insert AFTER INSERT ON events_participant
           REFERENCING NEW TABLE AS new_rows
           FOR EACH STATEMENT EXECUTE FUNCTION participant_counts_track()""",
        """CREATE TRIGGER participant_counts_update AFTER UPDATE ON events_participant
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
           FOR EACH STATEMENT EXECUTE FUNCTION participant_counts_track()""",
        """CREATE TRIGGER participant_counts_delete AFTER DELETE ON events_participant
           REFERENCING OLD TABLE AS old_rows
           FOR EACH STATEMENT EXECUTE FUNCTION participant_counts_track()""",
        """CREATE TRIGGER participant_counts_event_delete AFTER DELETE ON events_event
           FOR EACH ROW EXECUTE FUNCTION participant_counts_forget()""",
    ]

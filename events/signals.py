"""What the events app announces or asks; the apps above it answer, connected in their ready()."""

from django.dispatch import Signal

# Sent after commit whenever participants of an event changed (created, edited, imported, marked pending):
# keyword argument `event_id`. The rows themselves are the outbox (pending, change_counter bumped in the
# same transaction); sync listens and enqueues the event's flush.
participants_changed = Signal()

# Asked to tell people what will happen to a participant's change in Salesforce (keyword arguments `event`
# and `participant`, None for the event as a whole). A receiver answers with one sentence, or "" when it has
# nothing to say; `sync_outlook` takes the first answer.
sync_outlook_requested = Signal()

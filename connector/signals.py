"""What the connector announces; listeners connect in their app's ready()."""

from django.dispatch import Signal

# Sent after commit when a setting that CHECK SETUP verifies against the org changed (campaign, statuses,
# mappings); keyword argument `setup`. connector.setup_recheck re-runs the check in the background.
setup_needs_check = Signal()

# Sent when Salesforce refused a connection's refresh token (revoked, expired, a sixth approval): keyword
# arguments `connection_id` and `reason`. sync.alerts tells the organizers.
connection_needs_login = Signal()

# Sent after commit when an event's pending participants may go to Salesforce now (the tile activated, a
# login completed, another connection chosen): keyword argument `event_id`. Participants changed while the
# tile could not sync are still pending; sync listens and enqueues the event's flush.
sync_may_resume = Signal()

"""What the events app announces or asks; the apps above it answer, connected in their ready()."""

from django.dispatch import Signal

# Asked to tell people what will happen to a participant's change in Salesforce (keyword arguments `event`
# and `participant`, None for the event as a whole). A receiver answers with one sentence, or "" when it has
# nothing to say; `sync_outlook` takes the first answer.
sync_outlook_requested = Signal()

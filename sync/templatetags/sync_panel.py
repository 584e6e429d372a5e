from django import template

from events.models import Event
from sync.selectors import event_pause, run_active_force, run_progress, runs_history

register = template.Library()


@register.simple_tag
def sync_panel(event: Event) -> dict:
    """What sync/_progress.html shows: the active force run's progress, the pause, the history of runs."""
    active = run_active_force(event=event)
    return {
        "progress": run_progress(run=active) if active else None,
        "pause": event_pause(event=event),
        "runs": runs_history(event=event),
    }


@register.filter
def duration(seconds: int | None) -> str:
    if seconds is None:
        return "estimating…"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

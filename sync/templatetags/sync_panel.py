from django import template

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    if seconds is None:
        return "estimating…"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

"""`{% event_abilities event as may %}`: what the page may offer this user (links and buttons). The views
enforce the same predicates of `accounts.permissions`; hiding a link here is only courtesy."""

from django import template

from accounts.permissions import event_abilities as abilities

register = template.Library()


@register.simple_tag(takes_context=True)
def event_abilities(context, event) -> dict[str, bool]:
    return abilities(context["request"].user, event)

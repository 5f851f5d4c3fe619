from django import template

from gonghui.core.events import action_label

register = template.Library()


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    """An event's action in words (帮扶发放：批准), wherever a page lists events."""
    return action_label(action)

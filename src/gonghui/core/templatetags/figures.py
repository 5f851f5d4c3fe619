from django import template

from gonghui.core import figures

register = template.Library()


@register.filter
def yuan(value):
    """Money the way reports write it: 61.19万元, 5000元."""
    return figures.money(value)


@register.filter
def figure(value, unit):
    """A figure with its unit as reports write it: 61.19万元, 1101人."""
    return figures.figure(value, unit)


@register.simple_tag
def figure_of(item):
    """A ``Figure`` written with its unit, and with 余 when it is only a lower bound."""
    return figures.figure(
        item.value,
        item.unit,
        getattr(item, "lower_bound", False),
        getattr(item, "approximation", ""),
    )

from django import template

from gonghui.core import figures

register = template.Library()


@register.filter
def yuan(value):
    """Money the way reports write it: 61.19万元, 5000元."""
    return figures.money(value)

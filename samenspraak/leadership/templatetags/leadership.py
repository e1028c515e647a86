from django import template

from samenspraak.planning.charts import format_value

register = template.Library()


@register.filter
def number(value) -> str:
    """A mean or a percentage as people read it; a dash when there is none."""
    return "–" if value is None else format_value(value)


@register.filter
def whole(value) -> str:
    return "–" if value is None else format_value(round(value))

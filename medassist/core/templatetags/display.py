"""`{% load display %}` … `{{ patient.phone_mobile|phone }}`: how values read for a person."""

from django import template

from medassist.core.normalize import phone_display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number in the national format, e.g. (518) 555-0110."""
    return phone_display(value or "")

"""`{% load roles %}` … `{% if request.user|may:"record.export" %}`: the role table in templates."""

from django import template

from medassist.practice.roles import can

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    return can(user, permission)

"""Templates ask the one access policy: `{% load access %}`, then

{% if user|may:"petitions.register" %} ... {% endif %}              (no object)
{% may_do "petitions.accept" petition as can_accept %}               (on an object)
"""

from django import template

from core import access

register = template.Library()


@register.filter
def may(user, name):
    return access.may(user, name)


@register.simple_tag(takes_context=True)
def may_do(context, name, obj=None):
    return access.may(context["request"].user, name, obj)

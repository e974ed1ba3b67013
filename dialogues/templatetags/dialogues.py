from django import template

from ..selectors import actions_of_owner, invitations_for_petition

register = template.Library()


@register.simple_tag
def dialogue_invitations(petition):
    """For the citizen's status page: time, place, link and what to bring; nothing about other people."""
    return invitations_for_petition(petition) if petition is not None else []


@register.simple_tag
def my_followup_actions(user):
    """The open follow-up actions the user owns, for the staff overview (one query)."""
    return actions_of_owner(user)

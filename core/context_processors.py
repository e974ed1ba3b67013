import functools

from .selectors import jurisdiction_for, unread_notification_count


def staff(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    jurisdiction = jurisdiction_for(user)
    return {
        "jurisdiction": jurisdiction,
        "is_staff_member": jurisdiction.is_staff,
        # Counted when a template first reads it, once (a template calls a callable value): a view that
        # already has the count passes it in its own context, which wins, and nothing is counted here.
        "unread_notifications": functools.cache(lambda: unread_notification_count(user)),
    }

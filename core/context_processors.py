from .selectors import jurisdiction_for, unread_notification_count


def staff(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    jurisdiction = jurisdiction_for(user)
    return {
        "jurisdiction": jurisdiction,
        "is_staff_member": jurisdiction.is_staff,
        "unread_notifications": unread_notification_count(user),
    }

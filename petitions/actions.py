"""The staff actions on a petition as forms and service calls, shared by the pages and the API."""

from . import services
from .forms import ACTION_FORMS, ReasonForm
from .workflow import REASON_REQUIRED, Action


def action_form(action, petition, user, data=None, files=None):
    form_class = ACTION_FORMS.get(action, ReasonForm)
    return form_class(
        data, files, prefix=action, petition=petition, user=user, reason_required=action in REASON_REQUIRED
    )


SIMPLE_ACTIONS = {
    Action.GUIDE: services.petition_guide,
    Action.REJECT: services.petition_reject,
    Action.START: services.petition_start,
    Action.SUSPEND: services.petition_suspend,
    Action.RESUME: services.petition_resume,
    Action.CLOSE: services.petition_close,
}


def action_run(action, petition, user, data):
    common = {"petition": petition, "actor": user}
    if action == Action.CLASSIFY:
        services.petition_classify(
            **common,
            kind=data["kind"],
            is_complex=data["is_complex"],
            is_especially_complex=data["is_especially_complex"],
            is_remote=data["is_remote"],
            decision_known_on=data["decision_known_on"],
            reason=data["reason"],
        )
    elif action == Action.ACCEPT:
        services.petition_accept(**common, reason=data["reason"], late_obstacle=data["late_obstacle"])
    elif action == Action.WITHDRAW:
        services.petition_withdraw(**common, reason=data["reason"], signs_of_violation=data["signs_of_violation"])
    elif action == Action.FORWARD:
        services.petition_forward(**common, reason=data["reason"], to_unit=data["to_unit"], to_body=data["to_body"])
    elif action == Action.FILE:
        services.petition_file(**common, reason=data["reason"], duplicate_of=data["duplicate_of"])
    elif action == Action.ASSIGN:
        services.petition_assign(**common, handler=data["handler"])
    elif action == Action.RESOLVE:
        services.petition_resolve(**common, decision_text=data["decision_text"], decision_file=data["decision_file"])
    elif action == Action.NOTE:
        services.petition_note_add(**common, text=data["text"])
    else:
        SIMPLE_ACTIONS[action](**common, reason=data["reason"])

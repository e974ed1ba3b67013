"""Hooks higher apps register into at AppConfig.ready(), so petitions never imports them.

`resolve_guards`: callables `guard(petition) -> str | None`; a returned message refuses the
resolution (petition_resolve raises PetitionError with it). Example: dialogues requires a dialogue
before a complaint whose verification result differs from the demand is resolved.
"""

from collections.abc import Callable

resolve_guards: list[Callable] = []

# `tracking_invitations`: callables `f(petition) -> list[dict]` adding dialogue invitations (time,
# place, link, what to bring) to the public tracking answer of the API.
tracking_invitations: list[Callable] = []

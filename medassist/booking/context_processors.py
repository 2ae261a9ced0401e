"""A just-cancelled visit's time, for the next page to offer to the waitlist at once."""

from __future__ import annotations

from medassist.practice.roles import can


def freed_time(request) -> dict:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if session is None or user is None or not user.is_authenticated or "freed_visit" not in session:
        return {}
    freed = session.pop("freed_visit")
    return {"freed_visit": freed} if can(user, "waitlist.manage") else {}

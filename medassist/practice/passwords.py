"""The breached-password check: a new password may not be one of the passwords most often found
in breaches. Two lists shipped with packages, read offline:

- Django's own (`CommonPasswordValidator`): 20,000 common passwords compiled by Royce Williams
  (2017) from breach corpora;
- zxcvbn's (`zxcvbn.frequency_lists`, package zxcvbn, MIT): the 30,000 most frequent passwords
  of Mark Burnett's 10 million leaked passwords (xato.net).

Together about 40,000. A password matches case-insensitively, and also with its trailing digits
and punctuation taken away when that leaves at least 4 characters (`Summer2024!` is `summer`)."""

from __future__ import annotations

import functools
import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

_TRAILING = re.compile(r"[\d\W_]+$")


@functools.cache
def breached_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(CommonPasswordValidator().passwords) | frozenset(FREQUENCY_LISTS["passwords"])


def is_breached(password: str) -> bool:
    lowered = password.strip().lower()
    known = breached_passwords()
    if lowered in known:
        return True
    stem = _TRAILING.sub("", lowered)
    return len(stem) >= 4 and stem != lowered and stem in known


class BreachedPasswordValidator:
    """AUTH_PASSWORD_VALIDATORS entry in place of Django's CommonPasswordValidator."""

    def validate(self, password: str, user=None) -> None:
        if is_breached(password):
            raise ValidationError(
                "This password is on the lists of passwords found in breaches; choose another.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password can't be one found in known password breaches."

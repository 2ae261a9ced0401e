"""Form fields every app's forms share. They parse and check shape; no domain."""

from __future__ import annotations

import uuid
from datetime import date

from django import forms

FIRST_YEAR, LAST_YEAR = 1900, 2199


def sane_date(value: date | None) -> date | None:
    """Refuse dates no clinic schedule can mean (and that would overflow date arithmetic)."""
    if value is not None and not (FIRST_YEAR <= value.year <= LAST_YEAR):
        raise forms.ValidationError(
            f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}.", code="out_of_range"
        )
    return value


class PublicIdChoiceField(forms.ModelChoiceField):
    """A select of clinic-scoped objects addressed by their public UUID (never the integer key)."""

    def __init__(self, queryset, *, label_from=None, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset, **kwargs)
        self._label_from = label_from

    def label_from_instance(self, obj) -> str:
        if self._label_from is not None:
            return self._label_from(obj)
        return str(obj)

    def to_python(self, value):
        # A malformed UUID is simply "not one of the choices", never a server error.
        if value not in self.empty_values and not isinstance(value, self.queryset.model):
            try:
                uuid.UUID(str(value))
            except ValueError as exc:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from exc
        return super().to_python(value)

"""API schemas of the portal's staff side."""

from __future__ import annotations

from ninja import Schema

from medassist.practice.schemas import Id, In


class LinkIn(In):
    patient: Id


class LinkOut(Schema):
    url: str
    valid_days: int

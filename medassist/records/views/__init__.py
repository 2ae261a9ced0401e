"""The chart screens: one page (records/chart.html) with htmx partials for each section.
`pages` (the chart, paged sections, history), `sections` (the lists: add, edit, NKA, social
history), `notes` (encounters and notes), `uploads` (documents), `withdraw` (entered in error),
`visits` (the chart opened for a visit, and starting the visit)."""

from medassist.records.views.notes import (
    encounter_new,
    note_amend,
    note_edit,
    note_new,
    note_sign,
)
from medassist.records.views.pages import (
    chart,
    documents,
    encounters,
    item_history,
    observations,
    patient_history,
)
from medassist.records.views.sections import item_edit, nka_record, section_add, social_edit
from medassist.records.views.uploads import document_download, document_upload
from medassist.records.views.visits import start_visit
from medassist.records.views.withdraw import document_error, item_error, note_error

__all__ = [
    "chart",
    "document_download",
    "document_error",
    "document_upload",
    "documents",
    "encounter_new",
    "encounters",
    "item_edit",
    "item_error",
    "item_history",
    "nka_record",
    "note_amend",
    "note_edit",
    "note_error",
    "note_new",
    "note_sign",
    "observations",
    "patient_history",
    "section_add",
    "social_edit",
    "start_visit",
]

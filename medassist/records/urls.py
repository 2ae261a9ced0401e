from django.urls import path

from medassist.records import export_views, previsit_views, rooming, views

app_name = "records"
urlpatterns = [
    path("patients/<uuid:id>/", views.chart, name="chart"),
    path("patients/<uuid:id>/history/", views.patient_history, name="patient_history"),
    path("patients/<uuid:id>/summary.pdf", export_views.summary_pdf, name="summary_pdf"),
    path("patients/<uuid:id>/encounters/", views.encounters, name="encounters"),
    path("patients/<uuid:id>/encounters/new/", views.encounter_new, name="encounter_new"),
    path("patients/<uuid:id>/documents/", views.documents, name="documents"),
    path("patients/<uuid:id>/documents/upload/", views.document_upload, name="document_upload"),
    path("patients/<uuid:id>/results/", views.observations, name="observations"),
    path("patients/<uuid:id>/nka/", views.nka_record, name="nka_record"),
    path("patients/<uuid:id>/social/", views.social_edit, name="social_edit"),
    path("patients/<uuid:id>/<slug:section>/new/", views.section_add, name="section_add"),
    path("items/<slug:section>/<uuid:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<slug:item_type>/<uuid:item_id>/error/", views.item_error, name="item_error"),
    path("items/<slug:item_type>/<uuid:item_id>/history/", views.item_history, name="item_history"),
    path("encounters/<uuid:encounter_id>/notes/new/", views.note_new, name="note_new"),
    path("notes/<uuid:note_id>/edit/", views.note_edit, name="note_edit"),
    path("notes/<uuid:note_id>/sign/", views.note_sign, name="note_sign"),
    path("notes/<uuid:note_id>/amend/", views.note_amend, name="note_amend"),
    path("notes/<uuid:item_id>/error/", views.note_error, name="note_error"),
    path("documents/<uuid:item_id>/", views.document_download, name="document_download"),
    path("documents/<uuid:item_id>/error/", views.document_error, name="document_error"),
    path("visits/<uuid:id>/start/", views.start_visit, name="start_visit"),
    # rooming's chart steps (intake stores them)
    path("visits/<uuid:id>/reconcile/", rooming.reconcile, name="med_reconcile"),
    path("visits/<uuid:id>/allergies/", rooming.allergies, name="allergies_confirm"),
    path("visits/<uuid:id>/previsit/", previsit_views.previsit, name="previsit"),
    path("visits/<uuid:id>/previsit.pdf", previsit_views.previsit_pdf, name="previsit_pdf"),
]

from django.urls import path

from medassist.ecg import views

app_name = "ecg"
urlpatterns = [
    path("patients/<uuid:id>/", views.patient_recordings, name="patient"),
    path("review/", views.to_review, name="to_review"),
    path("patients/<uuid:id>/tests/", views.office_tests, name="office_tests"),
    path("patients/<uuid:id>/procedures/", views.procedures, name="procedures"),
    path("procedures/<uuid:item_id>/cosign/", views.procedure_cosign, name="procedure_cosign"),
    path("checklists/", views.checklists, name="checklists"),
    path("<uuid:id>/", views.recording, name="recording"),
    path("<uuid:id>/review/", views.review, name="review"),
    path("<uuid:id>/error/", views.enter_in_error, name="error"),
    path("<uuid:id>/tracing.pdf", views.tracing, name="tracing"),
]

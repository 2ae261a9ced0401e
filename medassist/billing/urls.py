from django.urls import path

from medassist.billing import views

app_name = "billing"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("visits/<uuid:id>/superbill/", views.superbill, name="superbill"),
    path("claims/<uuid:id>/", views.claim_detail, name="claim"),
    path("batches/<int:number>/", views.batch_file, name="batch"),
    path("remittance/", views.remittance_upload, name="remittance"),
    path("patients/<uuid:id>/ledger/", views.ledger, name="ledger"),
    path("patients/<uuid:id>/statement.pdf", views.statement, name="statement"),
    path("aging/", views.aging, name="aging"),
    path("close/", views.daily_close, name="close"),
]

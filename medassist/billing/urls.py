from django.urls import path

from medassist.billing import views, views_remit, views_setup

app_name = "billing"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("visits/<uuid:id>/superbill/", views.superbill, name="superbill"),
    path("claims/<uuid:id>/", views.claim_detail, name="claim"),
    path("claims/<uuid:id>/cms1500.pdf", views.cms1500, name="cms1500"),
    path("batches/<int:number>/", views.batch_file, name="batch"),
    path("remittance/", views.remittance_upload, name="remittance"),
    path("patients/<uuid:id>/ledger/", views.ledger, name="ledger"),
    path("patients/<uuid:id>/statement.pdf", views.statement, name="statement"),
    path("aging/", views.aging, name="aging"),
    path("close/", views.daily_close, name="close"),
    path("eligibility/<uuid:id>/", views.eligibility_fragment, name="eligibility"),
    path("claims/<uuid:id>/paper-remittance/", views_remit.paper_remittance, name="paper"),
    path("remittance/lines/<uuid:id>/", views_remit.line_resolve, name="remittance_line"),
    path("setup/", views_setup.setup_home, name="setup"),
    path("setup/payers/", views_setup.payers, name="setup_payers"),
    path("setup/payers/<uuid:id>/", views_setup.payer_edit, name="setup_payer"),
    path("setup/fees/", views_setup.fees, name="setup_fees"),
    path("setup/fees/<uuid:id>/", views_setup.fee_edit, name="setup_fee"),
    path("setup/provider/", views_setup.provider, name="setup_provider"),
]

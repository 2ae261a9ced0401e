from django.urls import path

from medassist.orders import views

app_name = "orders"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/<uuid:patient_id>/", views.new_order, name="new"),
    path("<uuid:id>/", views.detail, name="detail"),
    path("<uuid:id>/labels.pdf", views.labels, name="labels"),
    path("<uuid:id>/requisition.pdf", views.requisition, name="requisition"),
    path("phlebotomy/", views.phlebotomy, name="phlebotomy"),
    path("phlebotomy/labels.pdf", views.draw_labels, name="draw_labels"),
    path("queue/", views.queue, name="queue"),
    path("queue/<uuid:id>/", views.work_item, name="work_item"),
    path("results/<uuid:patient_id>/", views.patient_results, name="results"),
    path("poc/", views.poc, name="poc"),
    path("labs/", views.lab_connections, name="lab_connections"),
]

from django.urls import path

from medassist.pharmacy import views

app_name = "pharmacy"

urlpatterns = [
    path("refills/", views.refill_queue, name="refills"),
    path("refills/<str:id>/", views.refill_detail, name="refill"),
    path("refills/<str:id>/fax.pdf", views.refill_fax_view, name="refill_fax"),
    path("portal/refill/", views.portal_refill, name="portal_refill"),
    path("stock/", views.stock, name="stock"),
    path("orders/", views.orders, name="orders"),
    path("orders/<str:id>/give/", views.give, name="give"),
    path("patients/<uuid:id>/handouts/", views.handouts, name="handouts"),
    path("handouts/<str:id>.pdf", views.handout_pdf_view, name="handout_pdf"),
    path("handouts/<str:id>/discussed/", views.handout_discussed_view, name="handout_discussed"),
]

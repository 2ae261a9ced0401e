"""The pharmacy's portal pages, mounted under /portal/me/ (the patient session cookie's path)."""

from django.urls import path

from medassist.pharmacy import portal_views

app_name = "pharmacy_portal"
urlpatterns = [
    path("", portal_views.portal_handouts, name="handouts"),
    path("<str:id>.pdf", portal_views.portal_handout_pdf, name="handout_pdf"),
]

from django.urls import path

from medassist.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("<uuid:id>/", views.detail, name="detail"),
    path("<uuid:id>/edit/", views.edit, name="edit"),
    path("<uuid:id>/coverage/new/", views.coverage_new, name="coverage_add"),
    path("<uuid:id>/emergency-access/", views.emergency_access, name="emergency_access"),
    path("emergency-access/", views.emergency_access_review, name="emergency_access_review"),
]

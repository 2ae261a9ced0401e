from django.urls import path

from medassist.availability import views

app_name = "availability"
urlpatterns = [
    path("", views.setup, name="setup"),
    path("find/", views.find, name="find"),
    path("find/book/", views.find_book, name="find_book"),
    path("providers/<uuid:id>/", views.template, name="template"),
    path("providers/<uuid:id>/sessions/", views.session_create, name="session_create"),
    path("providers/<uuid:id>/exceptions/", views.exception_create, name="exception_create"),
    path("sessions/<uuid:id>/remove/", views.session_delete, name="session_delete"),
    path("exceptions/<uuid:id>/remove/", views.exception_delete, name="exception_delete"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/load/", views.holidays_load_view, name="holidays_load"),
    path("holidays/add/", views.holiday_create, name="holiday_create"),
    path("holidays/<uuid:id>/remove/", views.holiday_delete, name="holiday_delete"),
]

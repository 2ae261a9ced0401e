"""Find a slot (mounted at /availability/find/): search the open times, then book one."""

from django.urls import path

from medassist.booking.views import find

app_name = "booking"
urlpatterns = [
    path("", find.find, name="find"),
    path("patients/", find.find_patients, name="find_patients"),
    path("book/", find.find_book, name="find_book"),
]

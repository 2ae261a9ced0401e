from django.urls import path

from medassist.booking import views
from medassist.booking.views.patient import patient_visits

app_name = "scheduling"
urlpatterns = [
    path("", views.day, name="day"),
    path("book/", views.book, name="book"),
    path("book/patients/", views.book_patients, name="book_patients"),
    path("calendar/", views.calendar, name="calendar"),
    path("appointments/<uuid:id>/move/", views.move, name="move"),
    path("appointments/<uuid:id>/", views.appointment, name="appointment"),
    path("appointments/<uuid:id>/cancel/", views.cancel, name="cancel"),
    path("appointments/<uuid:id>/no-show/", views.no_show, name="no_show"),
    path("patients/<uuid:id>/visits/", patient_visits, name="patient_visits"),
]

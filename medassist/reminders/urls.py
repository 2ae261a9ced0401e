from django.urls import path

from medassist.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.home, name="home"),
    path("messages/<uuid:id>/retry/", views.retry, name="retry"),
    path("replies/<uuid:id>/done/", views.reply_done, name="reply_done"),
    path("r/<str:token>/", views.patient_link, name="patient_link"),
]

from django.urls import path

from medassist.intake import views

app_name = "intake"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("visits/<uuid:id>/room/", views.room, name="room"),
    path("visits/<uuid:id>/vitals/", views.vitals, name="vitals"),
]

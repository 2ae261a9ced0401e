from django.urls import path

from medassist.waitlist import views

app_name = "waitlist"
urlpatterns = [
    path("", views.home, name="home"),
    path("add/", views.add, name="add"),
    path("entries/<uuid:id>/remove/", views.remove, name="remove"),
    path("recalls/", views.recalls, name="recalls"),
    path("recalls/add/", views.recall_add, name="recall_add"),
    path("recalls/<uuid:id>/contact/", views.recall_contact, name="recall_contact"),
    path("recalls/<uuid:id>/scheduled/", views.recall_scheduled, name="recall_scheduled"),
    path("recalls/<uuid:id>/close/", views.recall_close, name="recall_close"),
    path("o/<str:token>/", views.offer, name="offer"),
    path("freed/<uuid:id>/", views.offer_freed, name="offer_freed"),
]

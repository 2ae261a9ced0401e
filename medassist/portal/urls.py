from django.urls import path

from medassist.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.desk_redirect, name="index"),
    path("desk/", views.desk, name="desk"),
    path("b/<str:token>/", views.book, name="book"),
]

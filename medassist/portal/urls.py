from django.urls import path

from medassist.portal import settings_views, signin_views, views

app_name = "portal"
urlpatterns = [
    path("", views.desk_redirect, name="index"),
    path("desk/", views.desk, name="desk"),
    path("settings/", settings_views.portal_settings, name="settings"),
    path("b/<str:token>/", views.book, name="book"),
    path("c/<uuid:clinic>/sign-in/", signin_views.sign_in, name="sign_in"),
    path("c/<uuid:clinic>/sign-in/code/", signin_views.sign_in_code, name="sign_in_code"),
    path("me/", signin_views.me, name="me"),
    path("sign-out/", signin_views.sign_out, name="sign_out"),
]

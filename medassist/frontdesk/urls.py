from django.urls import path

from medassist.frontdesk import views

app_name = "frontdesk"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("visits/<uuid:id>/check-in/", views.check_in_view, name="check_in"),
    path("visits/<uuid:id>/checkout/", views.check_out_view, name="check_out"),
]

from django.urls import path

from medassist.assistant import views

app_name = "assistant"
urlpatterns = [
    path("chat/<uuid:clinic>/", views.chat, name="chat"),
    path("sms/", views.sms, name="sms"),
    path("voice/", views.voice, name="voice"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/mail/", views.mail_upload, name="mail_upload"),
    path("inbox/<uuid:id>/", views.task, name="task"),
    path("conversations/<uuid:id>/", views.conversation, name="conversation"),
    path("letters/<slug:kind>/<uuid:patient>/", views.letter, name="letter"),
]

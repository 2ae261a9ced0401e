from django.urls import path

from medassist.assistant import setup_views, views

app_name = "assistant"
urlpatterns = [
    path("chat/<uuid:clinic>/", views.chat, name="chat"),
    path("sms/", views.sms, name="sms"),
    path("voice/", views.voice, name="voice"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/mail/", views.mail_upload, name="mail_upload"),
    path("inbox/<uuid:id>/", views.task, name="task"),
    path("inbox/<uuid:id>/mail.pdf", views.mail_pdf, name="mail_pdf"),
    path("conversations/<uuid:id>/", views.conversation, name="conversation"),
    path("letters/<slug:kind>/<uuid:patient>/", setup_views.letter, name="letter"),
    path("patients/<uuid:patient>/letters/", setup_views.patient_letters, name="patient_letters"),
    path("setup/clinic-info/", setup_views.clinic_info, name="clinic_info"),
    path("setup/letters/", setup_views.letter_templates, name="letter_templates"),
    path("setup/letters/<slug:key>/", setup_views.letter_template_edit,
         name="letter_template_edit"),
]

from django.urls import path

from medassist.intake import fill_views, kiosk_views, questionnaire_views, rooming_views, views

app_name = "intake"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("visits/<uuid:id>/room/", views.room, name="room"),
    path("visits/<uuid:id>/vitals/", views.vitals, name="vitals"),
    path("rooms/", rooming_views.rooms, name="rooms"),
    path("visits/<uuid:id>/rooming/", rooming_views.rooming, name="rooming"),
    path("visits/<uuid:id>/forms/", questionnaire_views.visit_forms, name="visit_forms"),
    # questionnaires (staff)
    path("questionnaires/", questionnaire_views.questionnaires, name="questionnaires"),
    path("questionnaires/new/", questionnaire_views.questionnaire_edit, name="questionnaire_new"),
    path(
        "questionnaires/<uuid:id>/edit/",
        questionnaire_views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path("responses/<uuid:id>/", questionnaire_views.response, name="response"),
    # the patient's own pages: a signed link, the portal (link or session)
    path("fill/<str:token>/", fill_views.fill, name="fill"),
    path("fill/<str:token>/<uuid:qid>/", fill_views.fill_form, name="fill_form"),
    path("portal/", fill_views.portal_forms, name="portal_forms"),
    path("portal/<uuid:qid>/", fill_views.portal_form, name="portal_form"),
    path("portal/b/<str:token>/", fill_views.portal_forms, name="portal_link_forms"),
    path("portal/b/<str:token>/<uuid:qid>/", fill_views.portal_form, name="portal_link_form"),
    # the clinic tablet: unlocked by staff, then patients check themselves in
    path("kiosk/unlock/", kiosk_views.unlock, name="kiosk_unlock"),
    path("kiosk/", kiosk_views.kiosk, name="kiosk"),
    path("kiosk/visit/", kiosk_views.visit, name="kiosk_visit"),
    path("kiosk/forms/<uuid:qid>/", kiosk_views.form, name="kiosk_form"),
    path("kiosk/done/", kiosk_views.done, name="kiosk_done"),
]

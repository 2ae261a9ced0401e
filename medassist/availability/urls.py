from django.urls import path

from medassist.availability import views

app_name = "availability"
urlpatterns = [
    path("", views.setup, name="setup"),
    path("providers/<uuid:id>/", views.template, name="template"),
    path("providers/<uuid:id>/sessions/", views.session_create, name="session_create"),
    path("providers/<uuid:id>/exceptions/", views.exception_create, name="exception_create"),
    path("sessions/<uuid:id>/remove/", views.session_delete, name="session_delete"),
    path("sessions/<uuid:id>/edit/", views.session_edit, name="session_edit"),
    path("exceptions/<uuid:id>/remove/", views.exception_delete, name="exception_delete"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/load/", views.holidays_load_view, name="holidays_load"),
    path("holidays/add/", views.holiday_create, name="holiday_create"),
    path("holidays/<uuid:id>/remove/", views.holiday_delete, name="holiday_delete"),
    path("resources/", views.resources, name="resources"),
    path("resources/kinds/add/", views.kind_add, name="kind_add"),
    path("resources/kinds/<uuid:id>/rename/", views.kind_rename, name="kind_rename"),
    path("resources/kinds/<uuid:id>/remove/", views.kind_remove, name="kind_remove"),
    path("resources/add/", views.resource_add, name="resource_add"),
    path("resources/<uuid:id>/edit/", views.resource_edit, name="resource_edit"),
    path(
        "resources/<uuid:id>/out-of-service/",
        views.resource_out_of_service,
        name="resource_out_of_service",
    ),
    path(
        "resources/<uuid:id>/back-in-service/",
        views.resource_back_in_service,
        name="resource_back_in_service",
    ),
    path("visit-types/", views.visit_types, name="visit_types"),
    path("visit-types/<uuid:id>/", views.visit_type_rule_edit, name="visit_type_rule_edit"),
    path(
        "visit-types/providers/<uuid:id>/ages/",
        views.provider_ages_edit,
        name="provider_ages_edit",
    ),
]

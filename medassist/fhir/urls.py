from django.urls import path, re_path

from medassist.fhir import views

app_name = "fhir"
ID = r"(?P<rid>[A-Za-z0-9\-\.]{1,64})"
TYPE = r"(?P<rtype>[A-Za-z]{1,64})"

urlpatterns = [
    path("", views.root, name="root"),
    path("metadata", views.metadata, name="metadata"),
    re_path(rf"^Patient/{ID}/\$everything$", views.everything, name="everything"),
    re_path(rf"^{TYPE}/?$", views.type_endpoint, name="type"),
    re_path(rf"^{TYPE}/_search/?$", views.type_search, name="search"),
    re_path(rf"^{TYPE}/{ID}/?$", views.instance, name="instance"),
]

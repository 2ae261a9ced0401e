from django.urls import path

from medassist.coding import views

app_name = "coding"
urlpatterns = [
    path("icd10/", views.icd10_typeahead, name="icd10_typeahead"),
]

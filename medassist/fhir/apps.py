from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "medassist.fhir"
    label = "fhir"

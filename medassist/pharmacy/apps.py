from django.apps import AppConfig


class PharmacyConfig(AppConfig):
    name = "medassist.pharmacy"
    label = "pharmacy"

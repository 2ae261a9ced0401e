from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "medassist.coding"
    label = "coding"

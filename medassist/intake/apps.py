from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "medassist.intake"
    label = "intake"

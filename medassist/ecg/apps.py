from django.apps import AppConfig


class EcgConfig(AppConfig):
    name = "medassist.ecg"
    label = "ecg"

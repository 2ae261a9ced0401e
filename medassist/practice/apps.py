from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "medassist.practice"
    label = "practice"

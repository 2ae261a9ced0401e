from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medassist.core"
    label = "core"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "medassist.demo"
    label = "demo"

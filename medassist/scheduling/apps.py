from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "medassist.scheduling"
    label = "scheduling"

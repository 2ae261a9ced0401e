from django.apps import AppConfig


class AvailabilityConfig(AppConfig):
    name = "medassist.availability"
    label = "availability"

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "medassist.booking"
    label = "booking"

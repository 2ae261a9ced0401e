from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "medassist.waitlist"
    label = "waitlist"

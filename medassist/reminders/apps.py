from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "medassist.reminders"
    label = "reminders"

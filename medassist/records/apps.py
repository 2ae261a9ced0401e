from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "medassist.records"
    label = "records"

from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "medassist.backup"
    label = "backup"

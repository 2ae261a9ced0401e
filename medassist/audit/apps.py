from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "medassist.audit"
    label = "audit"

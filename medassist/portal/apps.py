from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "medassist.portal"
    label = "portal"

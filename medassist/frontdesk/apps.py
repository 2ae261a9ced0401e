from django.apps import AppConfig


class FrontdeskConfig(AppConfig):
    name = "medassist.frontdesk"
    label = "frontdesk"

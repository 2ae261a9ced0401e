from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medassist.billing"
    label = "billing"

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "medassist.orders"
    label = "orders"

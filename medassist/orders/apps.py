from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "medassist.orders"
    label = "orders"

    def ready(self) -> None:
        from medassist.core.extensions import register_prep_extra, register_reminder_extra
        from medassist.orders.prep import pending_tests_prep, pending_tests_prep_text

        # after intake's visit-type instructions ("intake" sorts first)
        register_reminder_extra("orders-tests", pending_tests_prep_text)
        register_prep_extra("orders-tests", pending_tests_prep)

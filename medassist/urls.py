from django.contrib import admin
from django.urls import include, path

from medassist.api import api
from medassist.core import views as core_views
from medassist.practice import views as practice_views

urlpatterns = [
    path("", practice_views.home, name="home"),
    path("health", core_views.health, name="health"),
    path("login/", practice_views.LoginView.as_view(), name="login"),
    path("logout/", practice_views.LogoutView.as_view(), name="logout"),
    path("", include("medassist.practice.urls")),
    # The admin signs in through the same throttled, two-step login (before admin.site.urls).
    path("admin/login/", practice_views.AdminLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("audit/", include("medassist.audit.urls")),
    path("api/", api.urls),
    path("patients/", include("medassist.patients.urls")),
    path("schedule/", include("medassist.booking.urls")),
    path("desk/", include("medassist.frontdesk.urls")),
    path("intake/", include("medassist.intake.urls")),
    path("coding/", include("medassist.coding.urls")),
    path("records/", include("medassist.records.urls")),
    path("ecg/", include("medassist.ecg.urls")),
    path("fhir/r4/", include("medassist.fhir.urls")),
    path("availability/find/", include("medassist.booking.urls_find")),
    path("availability/", include("medassist.availability.urls")),
    path("reminders/", include("medassist.reminders.urls")),
    path("waitlist/", include("medassist.waitlist.urls")),
    path("portal/me/handouts/", include("medassist.pharmacy.portal_urls")),
    path("portal/", include("medassist.portal.urls")),
    path("orders/", include("medassist.orders.urls")),
    path("pharmacy/", include("medassist.pharmacy.urls")),
    path("billing/", include("medassist.billing.urls")),
    path("assistant/", include("medassist.assistant.urls")),
]

handler404 = "medassist.core.errorpages.not_found"
handler403 = "medassist.core.errorpages.forbidden"
handler500 = "medassist.core.errorpages.server_error"

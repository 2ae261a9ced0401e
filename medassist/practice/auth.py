"""The login backend: Django's, except that the logged-in user is read with their clinic in
the same query (every page needs the clinic's zone and id; no second query for it)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from medassist.practice.models import User


class ClinicUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = User.objects.select_related("clinic").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

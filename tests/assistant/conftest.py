import pytest

from medassist.portal.models import PortalSettings
from medassist.practice.models import VisitType
from tests.availability.conftest import (
    add_session,
    physician,  # noqa: F401 - its provider has no hours: tests set them
)


@pytest.fixture
def portal(clinic, provider):
    """Online booking on for follow-ups; the provider sees patients 9-12 every day."""
    settings = PortalSettings.objects.create(
        clinic=clinic, enabled=True, min_days_ahead=1, max_days_ahead=30, link_valid_days=14
    )
    settings.visit_types.add(VisitType.objects.get(clinic=clinic, code="follow-up"))
    for weekday in range(7):
        add_session(clinic, provider, weekday, (9, 0), (12, 0))
    return settings

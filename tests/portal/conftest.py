import pytest

from tests.availability.conftest import physician  # noqa: F401 - its provider has no hours: tests set them


@pytest.fixture
def actor(cast):
    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick

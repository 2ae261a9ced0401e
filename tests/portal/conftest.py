import pytest


@pytest.fixture
def actor(cast):
    def pick(role: str):
        return None if role == "anonymous" else cast[role]

    return pick

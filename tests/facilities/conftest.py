from __future__ import annotations

import io

import pytest

from facilities import demo


@pytest.fixture
def demo_city(db) -> None:
    """The demo city's directory (みどり市), as `seed_demo` builds it."""
    demo.seed(io.StringIO())

"""Fixtures for these tests come from tests/fixtures.py."""

from tests.fixtures import *  # noqa: F401,F403

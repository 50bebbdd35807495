"""Fixtures for the server tests."""

from tests.storage.backends import fast_hashing  # noqa: F401

"""Backend fixtures for the service tests (defined in tests/storage/backends.py)."""

from tests.storage.backends import (  # noqa: F401
    backend,
    database,
    database_url,
    fast_hashing,
    seeded,
    users,
)

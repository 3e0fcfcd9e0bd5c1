"""Directories to test against: SQLite files, and throwaway databases on the local PostgreSQL.

PostgreSQL tests skip when the server is unreachable on a developer machine, and FAIL when
the CI environment variable is set: in CI they must never be silently skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.orm import sessionmaker

from services_directory import db, records, store

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _postgres_database() -> Iterator[str]:
    """A new, empty database for one test; dropped afterwards."""
    name = f"vawg_directory_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database: SQLite, then PostgreSQL (postgres marker)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'directory.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def empty_directory(database_url) -> Iterator[sessionmaker]:
    """Migrated to head, with no services (for tests that bring their own records)."""
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        db.upgrade(connection)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def seeded_directory(database_url) -> Iterator[sessionmaker]:
    sessions = db.open_directory(database_url)
    yield sessions
    sessions.kw["bind"].dispose()


@pytest.fixture
def add_records(empty_directory) -> Callable[..., sessionmaker]:
    """Store the given records in the empty directory and return its sessionmaker."""

    def add(*new: records.ServiceRecord) -> sessionmaker:
        with empty_directory() as session:
            store.write_records(session, list(new), actor="test", action="import")
            session.commit()
        return empty_directory

    return add

"""open_directory on SQLite and PostgreSQL: migrations, seeding once, stable ids, start-up races."""

from __future__ import annotations

import multiprocessing
import time

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from services_directory import db, models, taxonomy
from tests.services_directory.builders import open_in_process


def _count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_opens_migrated_and_seeded(seeded_directory, database_url):
    assert _count(seeded_directory, models.Service) == 39
    assert _count(seeded_directory, models.AuditEntry, models.AuditEntry.action == "seed") == 39
    with db.make_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == db.head_revision()
        assert compare_metadata(context, models.Base.metadata) == []  # models == migrations


def test_second_open_is_fast_and_does_not_reseed(seeded_directory, database_url):
    started = time.perf_counter()
    sessions = db.open_directory(database_url)
    assert time.perf_counter() - started < 1.0
    assert _count(sessions, models.AuditEntry) == 39
    sessions.kw["bind"].dispose()


def test_ids_are_stable_uuid5_of_the_record_id(seeded_directory):
    with seeded_directory() as session:
        service = session.scalars(
            select(models.Service).where(models.Service.slug == "karma_nirvana")
        ).one()
    assert service.id == taxonomy.service_id_for("karma_nirvana")


def test_two_processes_starting_together_seed_once(database_url):
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        assert pool.map(open_in_process, [database_url, database_url]) == [39, 39]
    sessions = db.open_directory(database_url)
    assert _count(sessions, models.AuditEntry) == 39
    sessions.kw["bind"].dispose()


def test_postgresql_urls_use_psycopg_3():
    assert db.normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"


def test_sqlite_parent_folder_is_created(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'directory.sqlite3'}"
    sessions = db.open_directory(url)
    assert (tmp_path / "new" / "folder" / "directory.sqlite3").exists()
    sessions.kw["bind"].dispose()

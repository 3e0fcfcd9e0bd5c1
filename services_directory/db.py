"""Open the directory: engine, migrations to head, seed when empty.

`open_directory` is what the gateway calls once at start-up. When the database is already
migrated and seeded it only reads the revision and one row. Otherwise it takes a lock
(a PostgreSQL advisory lock, or a lock file beside the SQLite file) so that two processes
starting together neither migrate nor seed twice.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from services_directory import importing, models

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: the advisory lock that serialises start-up on PostgreSQL.
_PG_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"vawg services_directory").digest()[:8], "big", signed=True
)


def normalise_url(database_url: str) -> str:
    """postgresql:// and postgres:// mean psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def _sqlite_path(url) -> Path | None:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def _enable_sqlite_rules(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = _sqlite_path(url)
    if path is None:  # in memory: one shared connection, or every session sees a new database
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _enable_sqlite_rules)
    return engine


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _is_ready(connection: Connection) -> bool:
    if MigrationContext.configure(connection).get_current_revision() != head_revision():
        return False
    return connection.execute(select(models.Service.id).limit(1)).first() is not None


@contextlib.contextmanager
def _startup_lock(engine: Engine, connection: Connection) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
            connection.commit()
        return
    path = _sqlite_path(engine.url)
    if path is None:
        yield
        return
    import fcntl  # POSIX only, like the rest of the stack's deployment

    with open(path.with_name(path.name + ".lock"), "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "head")
    connection.commit()


def _seed_if_empty(connection: Connection) -> None:
    with Session(bind=connection) as session:
        if session.execute(select(models.Service.id).limit(1)).first() is None:
            importing.seed(session)
            session.commit()


def prepare(engine: Engine) -> None:
    """Migrate to head and seed an empty directory, once even when processes race."""
    with engine.connect() as connection:
        ready = _is_ready(connection)
        connection.rollback()
        if ready:
            return
        with _startup_lock(engine, connection):
            upgrade(connection)
            _seed_if_empty(connection)


def open_directory(database_url: str) -> sessionmaker:
    """Engine for DATABASE_URL, migrated to head and seeded if empty; returns a sessionmaker."""
    engine = make_engine(database_url)
    prepare(engine)
    return sessionmaker(bind=engine, expire_on_commit=False)

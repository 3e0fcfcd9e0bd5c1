"""Alembic environment: always run from services_directory.db with an open connection."""

from alembic import context

from services_directory.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through services_directory.db.upgrade(connection)")

# render_as_batch: SQLite can only change a table by copying it; batch mode does that.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

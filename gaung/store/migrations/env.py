"""Alembic environment: always run with a connection handed over by `gaung.store.db.migrate`."""

from alembic import context

from gaung.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI directly
    raise RuntimeError("run migrations through `gaung db upgrade` (gaung.store.db.migrate)")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

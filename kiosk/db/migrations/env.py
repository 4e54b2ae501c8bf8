"""Alembic environment: runs against the URL the kiosk passes in (no alembic.ini needed)."""

from alembic import context
from sqlalchemy import Connection

from civic.crashpoints import crashpoint
from kiosk.db.engine import make_engine
from kiosk.db.models import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: Connection) -> None:
    """Configure and run the migrations on one connection."""
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=conn.dialect.name == "sqlite",
        compare_type=True,
        on_version_apply=lambda **_: crashpoint("mid_migration"),  # after each revision
    )
    with context.begin_transaction():
        context.run_migrations()


if isinstance(connection, Connection):
    run(connection)
else:  # the `alembic` command line, given sqlalchemy.url
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        run(conn)
    engine.dispose()

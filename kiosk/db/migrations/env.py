"""Alembic environment: runs against the URL the kiosk passes in (no alembic.ini needed)."""

from alembic import context

from kiosk.db.engine import make_engine
from kiosk.db.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
connection = config.attributes.get("connection")


def run(conn) -> None:  # type: ignore[no-untyped-def]
    """Configure and run the migrations on one connection."""
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=conn.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = make_engine(url)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()

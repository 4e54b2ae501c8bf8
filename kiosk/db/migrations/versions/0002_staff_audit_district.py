"""staff accounts, hash-chained audit, review and void fields, calls, ratings, sessions,
terminal heartbeat

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Long because Alembic migrations are a flat list of table operations, read in order."""
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reader_state", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("printers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("catalog_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("schema_revision", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("last_session_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("staff_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("staff_locked_until", sa.DateTime(), nullable=True))

    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_audit_terminal_seq", ["terminal_id", "seq"])

    op.create_table(
        "audit_heads",
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id"),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_accounts_id_number"), ["id_number"], unique=False
        )
    op.create_table(
        "staff_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("screen", sa.String(length=32), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_calls_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_staff_calls_terminal_id"), ["terminal_id"], unique=False
        )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("serial", sa.String(length=40), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_terminal_id"), ["terminal_id"], unique=False)
    op.create_table(
        "session_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("session_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_log_started_at"), ["started_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_session_log_terminal_id"), ["terminal_id"], unique=False
        )


def downgrade() -> None:
    for table in ("session_log", "ratings", "staff_calls", "staff_accounts", "audit_heads"):
        op.drop_table(table)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_terminal_seq", type_="unique")
        for column in ("hash", "prev_hash", "seq"):
            batch_op.drop_column(column)
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        for column in ("review_note", "reviewed_at", "reviewed_by", "voided_at", "voided_by"):
            batch_op.drop_column(column)
    with op.batch_alter_table("terminals", schema=None) as batch_op:
        for column in (
            "staff_locked_until",
            "staff_failures",
            "last_session_at",
            "schema_revision",
            "catalog_hash",
            "printers",
            "reader_state",
            "version",
            "heartbeat_at",
        ):
            batch_op.drop_column(column)

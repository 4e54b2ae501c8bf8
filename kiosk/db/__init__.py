"""Persistence: SQLAlchemy 2 models, repositories returning plain dataclasses, Alembic migrations."""

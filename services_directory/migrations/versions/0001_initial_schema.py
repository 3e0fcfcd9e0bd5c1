"""Initial schema: ORUK-shaped services, taxonomies, attributes and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_UUID = sa.String(length=36)


def _service_child(name: str, *columns: sa.Column) -> None:
    """A table of rows that belong to one service and go when it goes."""
    op.create_table(
        name,
        sa.Column("id", _UUID, nullable=False),
        sa.Column("service_id", _UUID, nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            ondelete="CASCADE",
            name=op.f(f"fk_{name}_service_id_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_service_id"), name, ["service_id"])


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("service_id", _UUID, nullable=False),
        sa.Column("service_slug", sa.String(length=100), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_occurred_at"), "audit_log", ["occurred_at"])
    op.create_index(op.f("ix_audit_log_service_id"), "audit_log", ["service_id"])

    op.create_table(
        "organization",
        sa.Column("id", _UUID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
    )
    op.create_table(
        "taxonomy",
        sa.Column("id", _UUID, nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy")),
        sa.UniqueConstraint("code", name=op.f("uq_taxonomy_code")),
    )
    op.create_table(
        "service",
        sa.Column("id", _UUID, nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("organization_id", _UUID, nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("focus", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("hours_text", sa.Text(), nullable=True),
        sa.Column("area_text", sa.Text(), nullable=True),
        sa.Column("languages_text", sa.Text(), nullable=True),
        sa.Column("interpretation_services", sa.Text(), nullable=True),
        sa.Column("text_contact", sa.Text(), nullable=True),
        sa.Column("online_contact", sa.Text(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("assured_date", sa.Date(), nullable=True),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_service_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("slug", name=op.f("uq_service_slug")),
    )
    op.create_table(
        "taxonomy_term",
        sa.Column("id", _UUID, nullable=False),
        sa.Column("taxonomy_id", _UUID, nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxonomy_id"], ["taxonomy.id"], name=op.f("fk_taxonomy_term_taxonomy_id_taxonomy")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_term")),
        sa.UniqueConstraint("taxonomy_id", "code", name=op.f("uq_taxonomy_term_taxonomy_id")),
    )
    op.create_table(
        "attribute",
        sa.Column("id", _UUID, nullable=False),
        sa.Column("link_id", _UUID, nullable=False),
        sa.Column("taxonomy_term_id", _UUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["service.id"],
            ondelete="CASCADE",
            name=op.f("fk_attribute_link_id_service"),
        ),
        sa.ForeignKeyConstraint(
            ["taxonomy_term_id"],
            ["taxonomy_term.id"],
            name=op.f("fk_attribute_taxonomy_term_id_taxonomy_term"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute")),
    )
    op.create_index(op.f("ix_attribute_link_id"), "attribute", ["link_id"])
    op.create_index(op.f("ix_attribute_taxonomy_term_id"), "attribute", ["taxonomy_term_id"])

    _service_child(
        "language",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
    )
    op.create_index(op.f("ix_language_code"), "language", ["code"])
    _service_child(
        "phone",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
    )
    _service_child(
        "schedule",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("freq", sa.String(length=10), nullable=False),
        sa.Column("byday", sa.String(length=30), nullable=False),
        sa.Column("opens_at", sa.String(length=5), nullable=False),
        sa.Column("closes_at", sa.String(length=5), nullable=False),
    )
    _service_child(
        "service_area",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
    )
    op.create_index(op.f("ix_service_area_code"), "service_area", ["code"])


def downgrade() -> None:
    for table in (
        "service_area",
        "schedule",
        "phone",
        "language",
        "attribute",
        "taxonomy_term",
        "service",
        "taxonomy",
        "organization",
        "audit_log",
    ):
        op.drop_table(table)

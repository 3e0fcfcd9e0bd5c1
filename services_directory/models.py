"""Tables, shaped after Open Referral UK 3.0 / HSDS 3.0 (names follow the standard).

There is deliberately no location or address table: the directory never stores an address,
so it can never show a refuge's. Services are reached by phone, text, online or in person
through routes the services publish themselves.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

UUID_LENGTH = 36


class Base(DeclarativeBase):
    # Named constraints, so migrations name them the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def _uuid_pk() -> Mapped[str]:
    return mapped_column(String(UUID_LENGTH), primary_key=True)


def _service_fk() -> Mapped[str]:
    return mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)


class Organization(Base):
    __tablename__ = "organization"
    id: Mapped[str] = _uuid_pk()
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)


class Service(Base):
    __tablename__ = "service"
    id: Mapped[str] = _uuid_pk()
    # The facts file's human id ("national_domestic_abuse_helpline"): findable, and the
    # seed of `id` (uuid5), so ids survive a reseed.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    kind: Mapped[str] = mapped_column(String(20))  # local, national, emergency
    focus: Mapped[str] = mapped_column(String(20))  # specialist, general
    confidence: Mapped[str] = mapped_column(String(10))  # high, medium, low
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    hours_text: Mapped[str | None] = mapped_column(Text)
    area_text: Mapped[str | None] = mapped_column(Text)
    languages_text: Mapped[str | None] = mapped_column(Text)
    interpretation_services: Mapped[str | None] = mapped_column(Text)
    text_contact: Mapped[str | None] = mapped_column(Text)
    online_contact: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)  # how to reach, if no phone
    notes: Mapped[str | None] = mapped_column(Text)
    assured_date: Mapped[date | None] = mapped_column(Date)  # last verified
    last_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    phones: Mapped[list[Phone]] = relationship(
        cascade="all, delete-orphan", order_by="Phone.position", lazy="selectin"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        cascade="all, delete-orphan", order_by="Schedule.position", lazy="selectin"
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceArea.position", lazy="selectin"
    )
    languages: Mapped[list[Language]] = relationship(
        cascade="all, delete-orphan", order_by="Language.position", lazy="selectin"
    )
    attributes: Mapped[list[Attribute]] = relationship(
        cascade="all, delete-orphan", order_by="Attribute.position", lazy="selectin"
    )


class Phone(Base):
    __tablename__ = "phone"
    id: Mapped[str] = _uuid_pk()
    service_id: Mapped[str] = _service_fk()
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))  # as the service writes it
    type: Mapped[str] = mapped_column(String(20))  # voice, text
    description: Mapped[str | None] = mapped_column(Text)


class Schedule(Base):
    """A weekly opening in Europe/London time (closes_at <= opens_at runs past midnight)."""

    __tablename__ = "schedule"
    id: Mapped[str] = _uuid_pk()
    service_id: Mapped[str] = _service_fk()
    position: Mapped[int] = mapped_column(Integer)
    freq: Mapped[str] = mapped_column(String(10), default="WEEKLY")
    byday: Mapped[str] = mapped_column(String(30))  # "MO,TU,WE"
    opens_at: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    closes_at: Mapped[str] = mapped_column(String(5))  # "HH:MM", "23:59" = midnight


class ServiceArea(Base):
    __tablename__ = "service_area"
    id: Mapped[str] = _uuid_pk()
    service_id: Mapped[str] = _service_fk()
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40), index=True)  # see areas.AREAS


class Language(Base):
    __tablename__ = "language"
    id: Mapped[str] = _uuid_pk()
    service_id: Mapped[str] = _service_fk()
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10), index=True)  # ISO 639


class Taxonomy(Base):
    __tablename__ = "taxonomy"
    id: Mapped[str] = _uuid_pk()
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("taxonomy_id", "code"),)
    id: Mapped[str] = _uuid_pk()
    taxonomy_id: Mapped[str] = mapped_column(ForeignKey("taxonomy.id"))
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class Attribute(Base):
    """Links a service to a taxonomy term (abuse type, audience, eligibility, channel, source)."""

    __tablename__ = "attribute"
    id: Mapped[str] = _uuid_pk()
    link_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    taxonomy_term_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who changed which service, when, and what changed (kept when a service is deleted)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))  # seed, import, update, verify
    service_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    service_slug: Mapped[str] = mapped_column(String(100))
    changes: Mapped[str] = mapped_column(Text)  # JSON: {field: [before, after]}

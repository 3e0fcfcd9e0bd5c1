"""Move records in and out of the database; every write leaves an audit entry.

The audit entry is also the directory's version: the gateway's cache of directory answers
(api/directory_cache.py) keys them on the audit log's row count and latest id, so a write
that left no entry would be seen by the bot only when the cache expires (30 s at most).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services_directory import models, taxonomy
from services_directory.records import (
    Hours,
    Organization,
    Phone,
    Problem,
    ServiceRecord,
    check,
)

_SOURCE_TERM = taxonomy.RECORD.term_id("source")
# Columns that hold a record field under the same name, or under the ORUK name.
_COLUMNS = {
    "name": "name",
    "description": "description",
    "url": "url",
    "email": "email",
    "status": "status",
    "kind": "kind",
    "focus": "focus",
    "confidence": "confidence",
    "minimum_age": "minimum_age",
    "maximum_age": "maximum_age",
    "hours_text": "hours_text",
    "area_text": "area_text",
    "languages_text": "languages_text",
    "interpretation": "interpretation_services",
    "text_contact": "text_contact",
    "online_contact": "online_contact",
    "how_to_reach": "application_process",
    "notes": "notes",
    "last_verified": "assured_date",
}


class ImportRejected(ValueError):
    """Nothing was written; `problems` says which record and field are wrong."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class WriteSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def sync_taxonomies(session: Session) -> None:
    """Make the taxonomy tables match taxonomy.py (ids are stable, so this is idempotent)."""
    for tax in taxonomy.STORED:
        session.merge(
            models.Taxonomy(id=tax.id, code=tax.code, name=tax.name, description=tax.description)
        )
        for code, name in tax.terms.items():
            session.merge(
                models.TaxonomyTerm(
                    id=tax.term_id(code), taxonomy_id=tax.id, code=code, name=name, description=name
                )
            )
    session.flush()


def record_from_row(service: models.Service) -> ServiceRecord:
    values: dict = {name: getattr(service, column) for name, column in _COLUMNS.items()}
    values.update({name: [] for name in taxonomy.LIST_FIELDS})
    values["sources"] = []
    for attribute in service.attributes:
        tax, code = taxonomy.TERM_BY_ID[attribute.taxonomy_term_id]
        if attribute.taxonomy_term_id == _SOURCE_TERM:
            values["sources"].append(attribute.value)
        for name, field_taxonomy in taxonomy.LIST_FIELDS.items():
            if tax is field_taxonomy:
                values[name].append(code)
    organization = service.organization
    return ServiceRecord(
        **values,
        slug=service.slug,
        id=service.id,
        areas=[area.code for area in service.service_areas],
        languages=[language.code for language in service.languages],
        phones=[
            Phone(number=p.number, type=p.type, description=p.description) for p in service.phones
        ],
        hours=[
            Hours(days=s.byday.split(","), opens_at=s.opens_at, closes_at=s.closes_at)
            for s in service.schedules
        ],
        organization=Organization(
            id=organization.id,
            name=organization.name,
            description=organization.description,
            website=organization.website,
            email=organization.email,
        )
        if organization
        else None,
    )


def _children(record: ServiceRecord, service_id: str) -> dict[str, list]:
    def child_id(kind: str, position: int) -> str:
        return taxonomy.stable_id(service_id, kind, position)

    attributes = [
        (field_taxonomy.term_id(code), None)
        for name, field_taxonomy in taxonomy.LIST_FIELDS.items()
        for code in getattr(record, name)
    ] + [(_SOURCE_TERM, source) for source in record.sources]
    return {
        "phones": [
            models.Phone(
                id=child_id("phone", n),
                position=n,
                number=p.number,
                type=p.type,
                description=p.description,
            )
            for n, p in enumerate(record.phones)
        ],
        "schedules": [
            models.Schedule(
                id=child_id("schedule", n),
                position=n,
                freq="WEEKLY",
                byday=",".join(rule.days),
                opens_at=rule.opens_at,
                closes_at=rule.closes_at,
            )
            for n, rule in enumerate(record.hours)
        ],
        "service_areas": [
            models.ServiceArea(id=child_id("service_area", n), position=n, code=code)
            for n, code in enumerate(record.areas)
        ],
        "languages": [
            models.Language(id=child_id("language", n), position=n, code=code)
            for n, code in enumerate(record.languages)
        ],
        "attributes": [
            models.Attribute(
                id=child_id("attribute", n), position=n, taxonomy_term_id=term_id, value=value
            )
            for n, (term_id, value) in enumerate(attributes)
        ],
    }


def _changes(before: ServiceRecord | None, after: ServiceRecord) -> dict:
    old = before.model_dump(mode="json") if before else {}
    new = after.model_dump(mode="json")
    return {key: [old.get(key), value] for key, value in new.items() if old.get(key) != value}


def _audit(
    session: Session, actor: str, action: str, record: ServiceRecord, changes: dict, now: datetime
) -> None:
    session.add(
        models.AuditEntry(
            occurred_at=now,
            actor=actor,
            action=action,
            service_id=record.service_id,
            service_slug=record.slug,
            changes=json.dumps(changes, ensure_ascii=False),
        )
    )


def _store_organization(session: Session, organization: Organization | None) -> str | None:
    if organization is None:
        return None
    session.merge(models.Organization(**organization.model_dump()))
    return organization.id


def write_records(
    session: Session, records: list[ServiceRecord], *, actor: str, action: str
) -> WriteSummary:
    """Create or update each record (matched by slug), in the caller's transaction.

    Checks the whole batch first and raises ImportRejected before writing anything.
    """
    problems = [problem for record in records for problem in check(record)]
    slugs = [record.slug for record in records]
    problems += [
        Problem(slug, "slug", "appears more than once")
        for slug in sorted(set(slugs))
        if slugs.count(slug) > 1
    ]
    existing = {
        service.slug: service
        for service in session.scalars(select(models.Service).where(models.Service.slug.in_(slugs)))
    }
    taken_ids = dict(
        session.execute(
            select(models.Service.id, models.Service.slug).where(
                models.Service.id.in_([record.service_id for record in records])
            )
        ).all()
    )
    for record in records:
        owner = taken_ids.get(record.service_id)
        if owner is not None and owner != record.slug:
            problems.append(Problem(record.slug, "id", f"already used by {owner}"))
    if problems:
        raise ImportRejected(problems)

    sync_taxonomies(session)
    summary = WriteSummary()
    now = datetime.now(timezone.utc)
    for record in records:
        service = existing.get(record.slug)
        before = record_from_row(service) if service else None
        if service is None:
            service = models.Service(id=record.service_id, slug=record.slug)
            session.add(service)
        # A record read back from the database carries its id; compare without it.
        after = record.model_copy(update={"id": service.id})
        changes = _changes(before, after)
        if not changes:
            summary.unchanged.append(record.slug)
            continue
        (summary.updated if before else summary.created).append(record.slug)
        for name, column in _COLUMNS.items():
            setattr(service, column, getattr(after, name))
        service.organization_id = _store_organization(session, after.organization)
        service.last_modified = now
        children = _children(after, service.id)
        for name in children:  # clear first: new rows reuse the stable ids of the old ones
            getattr(service, name).clear()
        session.flush()
        for name, rows in children.items():
            getattr(service, name).extend(rows)
        _audit(session, actor, action, after, changes, now)
    session.flush()
    return summary


def verify(session: Session, slug_or_id: str, *, actor: str, on: date) -> ServiceRecord:
    """Stamp a record as checked on the given date."""
    service = find(session, slug_or_id)
    if service is None:
        raise LookupError(f"no service {slug_or_id!r}")
    before = record_from_row(service)
    service.assured_date = on
    service.last_modified = datetime.now(timezone.utc)
    session.flush()
    after = record_from_row(service)
    _audit(session, actor, "verify", after, _changes(before, after), service.last_modified)
    return after


def find(session: Session, slug_or_id: str) -> models.Service | None:
    return session.scalars(
        select(models.Service).where(
            or_(models.Service.id == slug_or_id, models.Service.slug == slug_or_id)
        )
    ).first()


def all_records(session: Session) -> list[ServiceRecord]:
    services = session.scalars(select(models.Service).order_by(models.Service.slug))
    return [record_from_row(service) for service in services]

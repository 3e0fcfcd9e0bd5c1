"""Small builders shared by the directory tests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services_directory import records, store


def make_record(slug: str, **fields) -> records.ServiceRecord:
    """A valid record with plain defaults; tests set only what they are about."""
    values = {
        "slug": slug,
        "name": slug.replace("_", " ").title(),
        "kind": "national",
        "focus": "specialist",
        "confidence": "high",
        "abuse_types": ["domestic_abuse"],
        "audiences": ["survivor"],
        "areas": ["uk"],
        "channels": ["phone"],
        "phones": [{"number": "0808 000 0000"}],
    }
    values.update(fields)
    return records.ServiceRecord.model_validate(values)


def count_services(session: Session) -> int:
    return len(store.all_records(session))


def open_in_process(database_url: str) -> int:
    """Run in a separate process: open the directory and count its services."""
    from services_directory import db

    sessions = db.open_directory(database_url)
    with sessions() as session:
        count = count_services(session)
    sessions.kw["bind"].dispose()
    return count

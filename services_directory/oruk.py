"""Records as Open Referral UK 3.0 JSON (a fully nested service), and back.

ORUK fields carry what they can: name, description, url, email, status, ages, `assured_date`
(the last-verified date), schedules, service_areas, languages, organization. The profile's
schemas do not forbid other properties, so three HSDS 3.0 fields the UK profile leaves out
are added: `phones`, `interpretation_services` and `application_process` (how to reach a
service with no phone), plus `code`/`name`/`note` on languages and `value`/`label` on
attributes. Everything else the project adds is an attribute linked to a project taxonomy
(see taxonomy.py): abuse types, audiences, eligibility, channels, service kind and focus,
confidence, the record id, sources, notes with GAP/CONFLICT flags, text and online contact,
and, per request, availability at the asked time (value = next opening, label = human text).
"""

from __future__ import annotations

from datetime import datetime

from services_directory import areas, hours, taxonomy
from services_directory.records import Problem, ServiceRecord, parse

# vawg_record terms whose value is a record field.
_RECORD_TEXT = {
    "record_id": "slug",
    "notes": "notes",
    "text_contact": "text_contact",
    "online_contact": "online_contact",
}
_LONDON_NOTE = "Times are Europe/London local time."


def _attribute(
    service_id: str,
    tax: taxonomy.Taxonomy,
    code: str,
    position: int,
    value: str | None = None,
    label: str | None = None,
) -> dict:
    term_id = tax.term_id(code)
    return _without_none(
        {
            "id": taxonomy.stable_id(service_id, "attribute", tax.code, code, position),
            "link_id": service_id,
            "link_type": tax.code,
            "link_entity": "service",
            "taxonomy_term_id": term_id,
            "taxonomy_term": {
                "id": term_id,
                "name": tax.terms[code],
                "description": tax.terms[code],
                "taxonomy": tax.name,
                "taxonomy_id": tax.id,
                "term": code,
            },
            "value": value,
            "label": label,
        }
    )


def _without_none(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def availability_attribute(service_id: str, found: hours.Availability, at: datetime) -> dict:
    next_opening = found.next_opening.isoformat() if found.next_opening else None
    return _attribute(
        service_id, taxonomy.AVAILABILITY, found.state, 0, next_opening, hours.describe(found, at)
    )


def _attributes(record: ServiceRecord, service_id: str) -> list[dict]:
    pairs: list[tuple[taxonomy.Taxonomy, str, str | None]] = []
    for name, tax in taxonomy.LIST_FIELDS.items():
        pairs += [(tax, code, None) for code in getattr(record, name)]
    pairs += [(tax, getattr(record, name), None) for name, tax in taxonomy.CODE_FIELDS.items()]
    for term, name in _RECORD_TEXT.items():
        if getattr(record, name):
            pairs.append((taxonomy.RECORD, term, getattr(record, name)))
    pairs += [(taxonomy.RECORD, "source", source) for source in record.sources]
    pairs += [
        (taxonomy.RECORD, flag, None)
        for flag in ("has_gap", "has_conflict")
        if getattr(record, flag)
    ]
    return [
        _attribute(service_id, tax, code, n, value) for n, (tax, code, value) in enumerate(pairs)
    ]


def _schedules(record: ServiceRecord, service_id: str) -> list[dict]:
    def row(n: int, **fields) -> dict:
        return _without_none(
            {
                "id": taxonomy.stable_id(service_id, "schedule", n),
                "service_id": service_id,
                "description": record.hours_text,
                **fields,
            }
        )

    if not record.hours:
        return [row(0)] if record.hours_text else []
    return [
        row(
            n,
            freq="WEEKLY",
            byday=",".join(rule.days),
            opens_at=rule.opens_at,
            closes_at=rule.closes_at,
            notes=_LONDON_NOTE,
        )
        for n, rule in enumerate(record.hours)
    ]


def _coded_rows(
    service_id: str, kind: str, codes: list[str], text: str | None, fields
) -> list[dict]:
    """Rows for coded areas or languages; one uncoded row keeps free text with no code."""
    if not codes:
        return (
            [
                _without_none(
                    {
                        "id": taxonomy.stable_id(service_id, kind, 0),
                        "service_id": service_id,
                        **fields(None, text),
                    }
                )
            ]
            if text
            else []
        )
    return [
        _without_none(
            {
                "id": taxonomy.stable_id(service_id, kind, n),
                "service_id": service_id,
                **fields(code, text),
            }
        )
        for n, code in enumerate(codes)
    ]


def _area_fields(code: str | None, text: str | None) -> dict:
    if code is None:
        return {"service_area": text}
    return {"name": areas.AREAS[code][0], "uri": areas.AREA_URI_PREFIX + code, "service_area": text}


def _language_fields(code: str | None, text: str | None) -> dict:
    if code is None:
        return {"note": text}
    return {"name": taxonomy.LANGUAGES[code], "code": code, "note": text}


def to_oruk(
    record: ServiceRecord, at: datetime | None = None, found: hours.Availability | None = None
) -> dict:
    """The fully nested ORUK service; with `at`, also its availability at that time
    (`found`, when the caller has already worked it out)."""
    service_id = record.service_id
    attributes = _attributes(record, service_id)
    if at is not None:
        found = found or hours.availability([rule.rule() for rule in record.hours], at)
        attributes.append(availability_attribute(service_id, found, at))
    organization = record.organization
    return _without_none(
        {
            "id": service_id,
            "organization_id": organization.id if organization else None,
            "name": record.name,
            "description": record.description,
            "url": record.url,
            "email": record.email,
            "status": record.status,
            "minimum_age": record.minimum_age,
            "maximum_age": record.maximum_age,
            "assured_date": record.last_verified.isoformat() if record.last_verified else None,
            "organization": _without_none(organization.model_dump()) if organization else None,
            "phones": [
                _without_none(
                    {
                        "id": taxonomy.stable_id(service_id, "phone", n),
                        "service_id": service_id,
                        "number": phone.number,
                        "type": phone.type,
                        "description": phone.description,
                    }
                )
                for n, phone in enumerate(record.phones)
            ],
            "schedules": _schedules(record, service_id),
            "service_areas": _coded_rows(
                service_id, "service_area", record.areas, record.area_text, _area_fields
            ),
            "languages": _coded_rows(
                service_id, "language", record.languages, record.languages_text, _language_fields
            ),
            "interpretation_services": record.interpretation,
            "application_process": record.how_to_reach,
            "attributes": attributes,
        }
    )


def _term(attribute: dict) -> tuple[taxonomy.Taxonomy, str] | None:
    found = taxonomy.TERM_BY_ID.get(attribute.get("taxonomy_term_id", ""))
    if found:
        return found
    tax = taxonomy.BY_CODE.get(attribute.get("link_type", ""))
    code = (attribute.get("taxonomy_term") or {}).get("term")
    return (tax, code) if tax and code in tax.terms else None


def _first(rows: list[dict], key: str) -> str | None:
    return next((row[key] for row in rows if row.get(key)), None)


def from_oruk(
    service: dict,
    label: str,
    overrides: dict | None = None,
) -> tuple[ServiceRecord | None, list[Problem]]:
    """An ORUK service (as exported) -> a record; `overrides` win over the service's own
    values. Attributes of other taxonomies are ignored, and so are locations: the directory
    never stores an address."""
    try:
        raw = _raw_record(service)
    except (AttributeError, KeyError, TypeError) as error:
        return None, [Problem(label, "(record)", f"not shaped like an ORUK service: {error!r}")]
    raw.update(overrides or {})
    return parse(raw, raw.get("slug") or raw.get("id") or label)


def _raw_record(service: dict) -> dict:
    """The record fields of an ORUK service, unchecked (parse checks them)."""
    raw: dict = {name: [] for name in taxonomy.LIST_FIELDS}
    raw["sources"] = []
    for attribute in service.get("attributes") or []:
        found = _term(attribute)
        if found is None:
            continue
        tax, code = found
        for name, list_tax in taxonomy.LIST_FIELDS.items():
            if tax is list_tax:
                raw[name].append(code)
        for name, single_tax in taxonomy.CODE_FIELDS.items():
            if tax is single_tax:
                raw[name] = code
        if tax is taxonomy.RECORD and code in _RECORD_TEXT:
            raw[_RECORD_TEXT[code]] = attribute.get("value")
        if tax is taxonomy.RECORD and code == "source":
            raw["sources"].append(attribute.get("value"))
    schedules = service.get("schedules") or []
    area_rows = service.get("service_areas") or []
    language_rows = service.get("languages") or []
    raw.update(
        {
            "id": service.get("id"),
            "name": service.get("name"),
            "description": service.get("description"),
            "status": service.get("status"),
            "url": service.get("url"),
            "email": service.get("email"),
            "minimum_age": service.get("minimum_age"),
            "maximum_age": service.get("maximum_age"),
            "last_verified": service.get("assured_date"),
            "organization": service.get("organization"),
            "interpretation": service.get("interpretation_services"),
            "how_to_reach": service.get("application_process"),
            "phones": [
                {
                    key: phone.get(key)
                    for key in ("number", "type", "description")
                    if phone.get(key) is not None
                }
                for phone in service.get("phones") or []
            ],
            "hours": [
                {
                    "days": str(row["byday"]).split(","),
                    "opens_at": row["opens_at"],
                    "closes_at": row["closes_at"],
                }
                for row in schedules
                if row.get("byday") and row.get("opens_at") and row.get("closes_at")
            ],
            "hours_text": _first(schedules, "description"),
            "areas": [
                row["uri"].removeprefix(areas.AREA_URI_PREFIX)
                for row in area_rows
                if str(row.get("uri", "")).startswith(areas.AREA_URI_PREFIX)
            ],
            "area_text": _first(area_rows, "service_area"),
            "languages": [row["code"] for row in language_rows if row.get("code")],
            "languages_text": _first(language_rows, "note"),
        }
    )
    if raw.get("organization"):
        raw["organization"] = {
            key: raw["organization"].get(key)
            for key in ("id", "name", "description", "website", "email")
        }
    return raw

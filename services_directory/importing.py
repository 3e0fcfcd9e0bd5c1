"""Import files (facts YAML or ORUK JSON) all-or-nothing, and seed an empty directory."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from services_directory import facts, oruk, store
from services_directory.records import Problem, ServiceRecord
from services_directory.store import ImportRejected, WriteSummary


def read_oruk(path: Path) -> tuple[list[ServiceRecord], list[Problem]]:
    """A JSON file of ORUK services: a list, a page with `contents`, or one service."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        return [], [Problem(path.name, "(file)", f"not valid JSON: {error}")]
    if isinstance(data, dict):
        data = data.get("contents", [data])
    if not isinstance(data, list):
        return [], [Problem(path.name, "(file)", "expected a list of services")]
    records, problems = [], []
    for position, service in enumerate(data, start=1):
        record, found = oruk.from_oruk(service, f"service {position}")
        problems += found
        if record is not None:
            records.append(record)
    return records, problems


def read_file(path: Path, classification: Path | None = None) -> list[ServiceRecord]:
    """Every record in the file, or ImportRejected naming each bad record and field."""
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            records, problems = facts.read_facts(path, classification or facts.SEED_CLASSIFICATION)
        else:
            records, problems = read_oruk(path)
    except (OSError, facts.FactsFileError) as error:
        raise ImportRejected([Problem(path.name, "(file)", str(error))]) from error
    if problems:
        raise ImportRejected(problems)
    return records


def import_file(
    session: Session,
    path: Path,
    *,
    actor: str,
    classification: Path | None = None,
    action: str = "import",
) -> WriteSummary:
    """Write every record of the file in the session's transaction; the caller commits.

    On any problem nothing is written: ImportRejected says which record and field.
    """
    return store.write_records(session, read_file(path, classification), actor=actor, action=action)


def seed(session: Session, *, actor: str = "seed") -> WriteSummary:
    return import_file(session, facts.SEED_FACTS, actor=actor, action="seed")


__all__ = ["ImportRejected", "import_file", "read_file", "seed"]

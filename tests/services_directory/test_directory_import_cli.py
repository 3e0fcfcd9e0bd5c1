"""Import all or nothing, export, validate, stale, verify and seed through the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml
from sqlalchemy import select

from services_directory import cli, facts, importing, models, queries, store
from services_directory.queries import ServiceFilters


def run(database_url: str, *args: str) -> int:
    return cli.main(["--database-url", database_url, "--actor", "tester", *args])


def snapshot(sessions) -> tuple[list[dict], int]:
    """Every record and the audit length: to prove a rejected import changed nothing."""
    with sessions() as session:
        records = [record.model_dump(mode="json") for record in store.all_records(session)]
        return records, len(session.scalars(select(models.AuditEntry.id)).all())


def audit(sessions, action: str) -> list[models.AuditEntry]:
    with sessions() as session:
        return list(
            session.scalars(select(models.AuditEntry).where(models.AuditEntry.action == action))
        )


def export(database_url: str, tmp_path) -> list[dict]:
    assert run(database_url, "export", "--output", str(tmp_path / "export.json")) == 0
    return json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))


def test_a_bad_facts_file_changes_nothing_and_names_record_and_field(
    seeded_directory, database_url, tmp_path, capsys
):
    raw = {item["id"]: item for item in yaml.safe_load(facts.SEED_FACTS.read_text())}
    good = dict(raw["karma_nirvana"], name="A new name")
    bad = dict(raw["forced_marriage_unit"], phone="12345")
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump([good, bad]), encoding="utf-8")
    before = snapshot(seeded_directory)

    assert run(database_url, "import", str(path)) == 1

    assert snapshot(seeded_directory) == before
    error = capsys.readouterr().err
    assert "import rejected, nothing changed" in error
    assert "forced_marriage_unit: phones.0.number: not a UK phone number: '12345'" in error


def test_a_bad_oruk_file_changes_nothing_and_names_record_and_field(
    seeded_directory, database_url, tmp_path
):
    services = export(database_url, tmp_path)
    services[0]["name"] = "Changed"
    services[1]["status"] = "open"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(services), encoding="utf-8")
    before = snapshot(seeded_directory)

    with pytest.raises(importing.ImportRejected) as rejected:
        with seeded_directory() as session:
            importing.import_file(session, path, actor="tester")
    assert [(p.record, p.field) for p in rejected.value.problems] == [
        (_slug(services[1]), "status")
    ]
    assert snapshot(seeded_directory) == before


def _slug(service: dict) -> str:
    return next(
        a["value"] for a in service["attributes"] if a["taxonomy_term"]["term"] == "record_id"
    )


def test_a_file_that_is_not_json_is_refused(seeded_directory, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(importing.ImportRejected) as rejected:
        importing.read_file(path)
    assert rejected.value.problems[0].field == "(file)"


def test_a_service_of_the_wrong_shape_is_refused_not_crashed_on(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([{"name": "x", "phones": ["0808 000 0000"]}]), encoding="utf-8")
    with pytest.raises(importing.ImportRejected) as rejected:
        importing.read_file(path)
    assert [(p.record, p.field) for p in rejected.value.problems] == [("service 1", "(record)")]


def test_export_then_import_changes_nothing(seeded_directory, database_url, tmp_path, capsys):
    export(database_url, tmp_path)
    capsys.readouterr()
    assert run(database_url, "import", str(tmp_path / "export.json")) == 0
    assert "created 0, updated 0, unchanged 39" in capsys.readouterr().out


def test_an_edit_through_the_cli_changes_the_answers_and_is_audited(
    seeded_directory, database_url, tmp_path
):
    services = export(database_url, tmp_path)
    karma = next(s for s in services if _slug(s) == "karma_nirvana")
    karma["phones"][0]["description"] = "Helpline (checked by phone)"
    path = tmp_path / "edit.json"
    path.write_text(json.dumps([karma]), encoding="utf-8")

    assert run(database_url, "import", str(path)) == 0

    with seeded_directory() as session:
        found = queries.find_services(session, ServiceFilters(abuse_type="honour_based_abuse"))
    karma_now = next(m.record for m in found if m.record.slug == "karma_nirvana")
    assert karma_now.phones[0].description == "Helpline (checked by phone)"
    [entry] = audit(seeded_directory, "import")
    assert entry.actor == "tester" and entry.service_slug == "karma_nirvana"
    changes = json.loads(entry.changes)
    assert list(changes) == ["phones"]
    assert changes["phones"][1][0]["description"] == "Helpline (checked by phone)"


def test_verify_stamps_the_date_and_stale_lists_old_and_gappy_records(
    seeded_directory, database_url, capsys
):
    assert run(database_url, "verify", "karma_nirvana", "--on", "2020-01-01") == 0
    with seeded_directory() as session:
        assert queries.get_service(session, "karma_nirvana").last_verified == date(2020, 1, 1)
    [entry] = audit(seeded_directory, "verify")
    assert json.loads(entry.changes) == {"last_verified": ["2026-11-25", "2020-01-01"]}
    capsys.readouterr()

    assert run(database_url, "stale", "--days", "365") == 0
    out = capsys.readouterr().out
    assert "karma_nirvana: last verified 2020-01-01" in out
    assert "angelou_partnership: has gaps" in out
    assert out.rstrip().endswith("1 not verified in the last 365 days, 17 with gaps")


def test_verify_an_unknown_record_fails(seeded_directory, database_url):
    assert run(database_url, "verify", "no_such_service") == 1


def test_validate_the_directory_and_a_file(seeded_directory, database_url, tmp_path, capsys):
    assert run(database_url, "validate") == 0
    assert "the directory: 0 problems" in capsys.readouterr().out
    services = export(database_url, tmp_path)
    services[0]["url"] = "not a url"
    services[0]["schedules"] = [{"id": "x", "byday": "XX", "opens_at": "9am", "closes_at": "17:00"}]
    path = tmp_path / "check.json"
    path.write_text(json.dumps(services[:1]), encoding="utf-8")
    capsys.readouterr()
    assert run(database_url, "validate", str(path)) == 1
    out = capsys.readouterr().out
    slug = _slug(services[0])
    for field in ("url", "hours.0.days", "hours.0.opens_at"):
        assert f"{slug}: {field}:" in out


def test_seed_force_reimports_without_changes(seeded_directory, database_url, capsys):
    assert run(database_url, "seed", "--force") == 0
    assert "created 0, updated 0, unchanged 39" in capsys.readouterr().out

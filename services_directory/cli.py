"""python -m services_directory {import,export,validate,stale,verify,seed}

Uses the gateway's DATABASE_URL (environment or .env) unless --database-url is given.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from services_directory import db, hours, importing, oruk, store
from services_directory.records import check


def _default_database_url() -> str:
    from api.settings import get_settings  # one place for configuration, shared with the gateway

    return get_settings().database_url


def _today() -> date:
    return datetime.now(hours.LONDON).date()


def _print_summary(summary: store.WriteSummary) -> None:
    print(
        f"created {len(summary.created)}, updated {len(summary.updated)}, "
        f"unchanged {len(summary.unchanged)}"
    )
    for slug in summary.created + summary.updated:
        print(f"  {'created' if slug in summary.created else 'updated'}: {slug}")


def cmd_import(session: Session, args) -> int:
    try:
        summary = importing.import_file(
            session, args.file, actor=args.actor, classification=args.classification
        )
    except importing.ImportRejected as rejected:
        session.rollback()
        print(
            f"import rejected, nothing changed ({len(rejected.problems)} problems):",
            file=sys.stderr,
        )
        for problem in rejected.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    session.commit()
    _print_summary(summary)
    return 0


def cmd_export(session: Session, args) -> int:
    services = [oruk.to_oruk(record) for record in store.all_records(session)]
    text = json.dumps(services, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"exported {len(services)} services to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_validate(session: Session, args) -> int:
    if args.file:
        try:
            records = importing.read_file(args.file, args.classification)
        except importing.ImportRejected as rejected:
            problems = rejected.problems
        else:
            problems = [problem for record in records for problem in check(record)]
        checked = str(args.file)
    else:
        records = store.all_records(session)
        problems = [problem for record in records for problem in check(record)]
        checked = "the directory"
    for problem in problems:
        print(problem)
    print(f"{checked}: {len(problems)} problems")
    return 1 if problems else 0


def cmd_stale(session: Session, args) -> int:
    today = _today()
    stale = gaps = 0
    for record in store.all_records(session):
        reasons = []
        if record.last_verified is None:
            reasons.append("never verified")
        elif (today - record.last_verified).days > args.days:
            reasons.append(f"last verified {record.last_verified}")
        stale += bool(reasons)
        if record.has_gap:
            reasons.append("has gaps")
            gaps += 1
        if reasons:
            print(f"{record.slug}: {'; '.join(reasons)}")
    print(f"{stale} not verified in the last {args.days} days, {gaps} with gaps")
    return 0


def cmd_verify(session: Session, args) -> int:
    try:
        record = store.verify(session, args.id, actor=args.actor, on=args.on or _today())
    except LookupError as error:
        print(error, file=sys.stderr)
        return 1
    session.commit()
    print(f"{record.slug}: verified on {record.last_verified}")
    return 0


def cmd_seed(session: Session, args) -> int:
    if not args.force:
        print("seeded when empty (open_directory does it); --force re-imports the seed file")
        return 0
    summary = importing.seed(session, actor=args.actor)
    session.commit()
    _print_summary(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services_directory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", help="default: DATABASE_URL, as the gateway uses")
    parser.add_argument(
        "--actor", default=f"cli:{getpass.getuser()}", help="who is writing, for the audit log"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    command = commands.add_parser(
        "import", help="import a facts YAML or ORUK JSON file, all or nothing"
    )
    command.add_argument("file", type=Path)
    command.add_argument(
        "--classification",
        type=Path,
        help="for a facts YAML file: its classification (default: the seed's)",
    )
    command.set_defaults(run=cmd_import)

    command = commands.add_parser("export", help="write every service as ORUK 3.0 JSON")
    command.add_argument("--output", "-o", type=Path, help="default: standard output")
    command.set_defaults(run=cmd_export)

    command = commands.add_parser(
        "validate", help="check phone formats, URLs, schedules, required fields"
    )
    command.add_argument(
        "file", type=Path, nargs="?", help="a file to check instead of the directory"
    )
    command.add_argument("--classification", type=Path)
    command.set_defaults(run=cmd_validate)

    command = commands.add_parser(
        "stale", help="records not verified in N days, and records with gaps"
    )
    command.add_argument("--days", type=int, default=180)
    command.set_defaults(run=cmd_stale)

    command = commands.add_parser("verify", help="stamp a record as checked today")
    command.add_argument("id", help="the record id (slug) or uuid")
    command.add_argument("--on", type=date.fromisoformat, help="the date checked (default: today)")
    command.set_defaults(run=cmd_verify)

    command = commands.add_parser("seed", help="seed an empty directory from the seed file")
    command.add_argument(
        "--force", action="store_true", help="re-import the seed over existing records"
    )
    command.set_defaults(run=cmd_seed)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sessions = db.open_directory(args.database_url or _default_database_url())
    with sessions() as session:
        return args.run(session, args)

"""Services directory API, Open Referral UK 3.0 shaped: GET /services, GET/PUT/PATCH /services/{id}.

Handlers are plain `def`: FastAPI runs them in its threadpool, so database work never blocks
the event loop (the action server's calls come back here while a chat request waits).
"""

from __future__ import annotations

import hmac
import math
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.deps import DbSession, SettingsDep
from services_directory import hours, oruk, queries, store, taxonomy
from services_directory.store import ImportRejected

router = APIRouter(tags=["directory"])

_bearer = HTTPBearer(auto_error=False, description="ADMIN_TOKEN; writes are off when it is unset")
MAX_PER_PAGE = 100


class ServicePage(BaseModel):
    """One page of services (ORUK 3.0 `Page` plus `contents`)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def _taxonomy_help(tax) -> str:
    return "One of: " + ", ".join(tax.terms)


def _invalid(name: str, message: str) -> HTTPException:
    # Shaped like FastAPI's own validation errors, so clients handle both the same way.
    return HTTPException(422, [{"loc": ["query", name], "msg": message, "type": "value_error"}])


def _moment(open_at: datetime | None) -> datetime:
    """The asked time in London; far-off years are refused (date arithmetic would overflow)."""
    if open_at is not None and not 1900 <= open_at.year <= 2200:
        raise HTTPException(status_code=422, detail="open_at must be between 1900 and 2200")
    return hours.in_london(open_at)


@router.get("/services", response_model=ServicePage)
def list_services(
    session: DbSession,
    search: Annotated[
        str | None, Query(max_length=200, description="Words in the name or description.")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    abuse_type: Annotated[
        str | None, Query(description=_taxonomy_help(taxonomy.ABUSE_TYPE))
    ] = None,
    audience: Annotated[str | None, Query(description=_taxonomy_help(taxonomy.AUDIENCE))] = None,
    borough: Annotated[
        str | None, Query(description="westminster, kensington_chelsea or elsewhere")
    ] = None,
    postcode: Annotated[
        str | None,
        Query(max_length=10, description="A UK postcode or district, e.g. W2 or SW1X 7AA."),
    ] = None,
    language: Annotated[
        str | None, Query(description="ISO 639 code; services with interpreters match too.")
    ] = None,
    eligibility: Annotated[
        str | None, Query(description=_taxonomy_help(taxonomy.ELIGIBILITY))
    ] = None,
    channel: Annotated[str | None, Query(description=_taxonomy_help(taxonomy.CHANNEL))] = None,
    open_now: Annotated[
        bool, Query(description="Only services open at open_at (default: now).")
    ] = False,
    open_at: Annotated[
        datetime | None, Query(description="ISO 8601; without an offset it is London time.")
    ] = None,
) -> dict:
    """Services matching every filter, ranked for safety (local specialist first; a 24/7
    option first when no local specialist is open), with availability at `open_at`."""
    filters = queries.ServiceFilters(
        abuse_type=abuse_type,
        audience=audience,
        borough=borough,
        postcode=postcode,
        language=language,
        eligibility=eligibility,
        channel=channel,
        search=search,
        open_now=open_now,
    )
    moment = _moment(open_at)
    try:
        matches = queries.find_services(session, filters, moment)
    except queries.InvalidFilter as error:
        raise _invalid(error.name, str(error)) from error
    total_pages = math.ceil(len(matches) / per_page)
    shown = matches[(page - 1) * per_page : page * per_page]
    return {
        "total_items": len(matches),
        "total_pages": total_pages,
        "page_number": page,
        "size": len(shown),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not matches,
        "contents": [oruk.to_oruk(match.record, moment, match.availability) for match in shown],
    }


@router.get("/services/{id}")
def get_service(
    id: str,
    session: DbSession,
    open_at: Annotated[datetime | None, Query(description="ISO 8601; default now.")] = None,
) -> dict:
    """One fully nested ORUK service, by uuid or by record id (e.g. karma_nirvana)."""
    record = queries.get_service(session, id)
    if record is None:
        raise HTTPException(404, "No such service.")
    return oruk.to_oruk(record, _moment(open_at))


def require_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_actor: Annotated[
        str | None, Header(max_length=100, description="Who is writing, for the audit log.")
    ] = None,
) -> str:
    """The audit actor, once the bearer token matches ADMIN_TOKEN."""
    if not settings.admin_token:
        raise HTTPException(403, "Directory writes are off: ADMIN_TOKEN is not set.")
    token = credentials.credentials if credentials else ""
    if not hmac.compare_digest(token.encode(), settings.admin_token.encode()):
        raise HTTPException(
            401, "A valid admin bearer token is needed.", headers={"WWW-Authenticate": "Bearer"}
        )
    name = "".join(ch for ch in (x_actor or "admin") if ch.isprintable()).strip() or "admin"
    return f"api:{name}"


AdminActor = Annotated[str, Depends(require_admin)]
ServiceBody = Annotated[dict[str, Any], Body(description="An ORUK 3.0 service, as GET returns it.")]


def _write(session, id: str, body: dict, actor: str, response: Response) -> dict:
    existing = store.find(session, id)
    if body.get("id") not in (None, existing.id if existing else taxonomy.service_id_for(id)):
        raise HTTPException(422, "The id in the body does not match the service in the path.")
    overrides = {"slug": existing.slug, "id": existing.id} if existing else {"slug": id}
    record, problems = oruk.from_oruk(body, id, overrides)
    try:
        if problems:
            raise ImportRejected(problems)
        store.write_records(session, [record], actor=actor, action="update")
    except ImportRejected as rejected:
        session.rollback()
        raise HTTPException(422, [str(problem) for problem in rejected.problems]) from rejected
    session.commit()
    response.status_code = 200 if existing else 201
    return oruk.to_oruk(queries.get_service(session, record.slug), hours.in_london(None))


@router.put("/services/{id}", status_code=200)
def put_service(
    id: str, body: ServiceBody, session: DbSession, actor: AdminActor, response: Response
) -> dict:
    """Replace (or create, when `id` is a new record id) a service. Needs the admin token."""
    return _write(session, id, body, actor, response)


@router.patch("/services/{id}")
def patch_service(
    id: str, body: ServiceBody, session: DbSession, actor: AdminActor, response: Response
) -> dict:
    """JSON merge patch (RFC 7386) on the service as GET returns it; lists are replaced
    whole. Needs the admin token."""
    record = queries.get_service(session, id)
    if record is None:
        raise HTTPException(404, "No such service.")
    return _write(session, id, merge_patch(oruk.to_oruk(record), body), actor, response)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged

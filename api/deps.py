"""Typed FastAPI dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a hand-off to another
    # thread for every chat message just to read an attribute
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One directory session per request, from the engine the app opened at start-up."""
    with request.app.state.directory_sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DbSession = Annotated[Session, Depends(get_db)]

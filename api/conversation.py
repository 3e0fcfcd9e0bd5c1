"""One turn of a conversation, shared by every channel: never without an answer."""

from __future__ import annotations

import asyncio
import logging

from api.rasa_client import RasaClient, RasaUnavailable, Reply
from api.safety import SAFETY_MESSAGE

logger = logging.getLogger("api.conversation")


async def converse(
    rasa: RasaClient, sender: str, text: str, channel: str, budget: float
) -> list[Reply]:
    """Rasa's replies, or the safety message if they do not come within `budget` seconds."""
    try:
        return await asyncio.wait_for(rasa.send(sender, text, channel), budget)
    except (RasaUnavailable, asyncio.TimeoutError) as error:
        # the reason only: never the text, never the sender
        logger.warning(
            "rasa unavailable (%s): answered with the safety message", type(error).__name__
        )
        return [Reply(text=SAFETY_MESSAGE)]


async def forget(rasa: RasaClient, sender: str) -> bool:
    try:
        await rasa.forget(sender)
        return True
    except RasaUnavailable as error:
        logger.warning("could not forget a conversation (%s)", error)
        return False


async def has_conversation(rasa: RasaClient, sender: str) -> bool:
    """Whether Rasa holds this conversation; when Rasa cannot say, assume a new one."""
    try:
        return await rasa.has_conversation(sender)
    except RasaUnavailable:
        return False

"""One turn of a conversation, shared by every channel: never without an answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

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


class RecentlyForgotten:
    """Conversations forgotten in the last few minutes.

    A reply can still be on its way when the person leaves: Rasa then saves the
    conversation again after it was deleted. Asking, after each turn, whether it was
    forgotten while the turn ran makes the deletion win (and only that turn's: the same
    phone number may start a new conversation straight after).
    """

    def __init__(self, ttl: float = 300, max_size: int = 100_000) -> None:
        self.ttl, self.max_size = ttl, max_size
        self._at: OrderedDict[str, float] = OrderedDict()

    def add(self, sender: str) -> None:
        self._at.pop(sender, None)
        self._at[sender] = time.monotonic()
        while len(self._at) > self.max_size:
            self._at.popitem(last=False)

    def since(self, sender: str, started: float) -> bool:
        """Whether the conversation was forgotten after `started` (time.monotonic())."""
        at = self._at.get(sender)
        return at is not None and at >= started and time.monotonic() - at < self.ttl


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

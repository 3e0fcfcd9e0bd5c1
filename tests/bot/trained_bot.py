"""The trained bot, loaded quietly, and conversations run through it: for the tests that
compare one of the project's patches with Rasa's own code on every call the bot makes."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

MODEL = Path(__file__).resolve().parents[2] / "models" / "vawg.tar.gz"

# Long enough that the older turns lie beyond every rule; a form, buttons, danger, an aside,
# nonsense (the fallback), and a form left for a greeting and a stop.
CONVERSATIONS = [
    ["hi", "/safe_to_talk", "what is coercive control", "is it abuse if he checks my phone"]
    + ["yes", "no", "not sure", "yes", "who can help me in westminster", "he has a knife"]
    + ["asdfgh qwerty", "thanks", "bye"],
    ["hello", "is this abuse", "hi", "stop", "my friend is being hit by her boyfriend"]
    + ["how do i ask her", "what should i avoid", "is it true that drink causes it"]
    + ["i think i'm the one hurting my partner", "bye"],
]


def load(**kwargs: Any) -> Any:
    """`Agent.load` of the trained model, with Rasa's telemetry off and its debug log (which
    would print the message text) quiet."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    return Agent.load(str(MODEL), **kwargs)


async def talk(agent: Any, sender: str) -> list[str]:
    """Runs CONVERSATIONS through the agent, one conversation id each; returns the ids."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    senders = [f"{sender}-{n}" for n in range(len(CONVERSATIONS))]
    for conversation, sender_id in zip(CONVERSATIONS, senders, strict=True):
        for text in conversation:
            await agent.handle_message(
                UserMessage(text, CollectingOutputChannel(), sender_id=sender_id)
            )
    return senders

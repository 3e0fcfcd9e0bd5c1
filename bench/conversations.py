"""The scripted conversations of the benchmark and the load test (standard library only,
so both environments can read them: the gateway's driver and the Rasa-side NLU probe)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A UK phone number other than 999 (as the gateway channel checks): a directory answer.
PHONE = re.compile(r"\b(0\d{2,4} ?\d{3,4} ?\d{3,4}|116 ?\d{3})\b")


@dataclass(frozen=True)
class Step:
    kind: str  # greeting, abuse_type, myth, find_service, emergency
    text: str

    def on_script(self, reply_text: str) -> bool:
        if self.kind == "emergency":
            return "999" in reply_text and bool(PHONE.search(reply_text))
        if self.kind == "find_service":
            return bool(PHONE.search(reply_text))
        return True


def _conversation(*texts: str) -> tuple[Step, ...]:
    kinds = ("greeting", "abuse_type", "myth", "find_service", "emergency")
    return tuple(Step(kind, text) for kind, text in zip(kinds, texts, strict=True))


# Greeting, a question about a form of abuse, a myth, a directory query, an emergency.
# The find_service and emergency steps both reach the directory through the action server.
CONVERSATIONS: tuple[tuple[Step, ...], ...] = (
    _conversation(
        "hello",
        "what is coercive control",
        "abuse is only physical violence, isn't it",
        "who can help me in westminster",
        "he's outside with a knife",
    ),
    _conversation(
        "hi there",
        "what does stalking mean",
        "abuse only happens to certain types of women",
        "is there support for stalking in kensington",
        "he said he'll kill me",
    ),
    _conversation(
        "good evening",
        "what is domestic abuse",
        "is it true that drink causes abuse",
        "find me local support",
        "he is strangling me, help",
    ),
)
MESSAGES = tuple(step.text for conversation in CONVERSATIONS for step in conversation)

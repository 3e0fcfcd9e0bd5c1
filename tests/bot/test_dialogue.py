"""Conversations with the trained model, in process (Rasa environment).

These check what test stories cannot: the words sent per channel, slots filled from the
patterns and from intents, the conditional answers, and the guided check. Custom actions
need the action server, which is not running here: Rasa logs their failure and carries on,
so a test sees that the action was chosen, not what it said.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "vawg.tar.gz"

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: scripts/setup.sh")


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def agent(loop):
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print the message text
    logging.getLogger("rasa.core.processor").setLevel(logging.CRITICAL)  # failed actions
    return loop.run_until_complete(_load(Agent))


async def _load(agent_class):
    return agent_class.load(str(MODEL))


class Chat:
    def __init__(self, agent, loop, channel: str = "web") -> None:
        self.agent, self.loop, self.channel = agent, loop, channel
        self.sender = uuid.uuid4().hex

    def say(self, text: str) -> list[dict]:
        from rasa.core.channels.channel import UserMessage

        from bot.gateway_channel import ChannelCollector

        collector = ChannelCollector(self.channel)
        message = UserMessage(text, collector, self.sender, input_channel=self.channel)
        self.loop.run_until_complete(self.agent.handle_message(message))
        return collector.messages

    def text(self, text: str) -> str:
        return "\n".join(m.get("text") or "" for m in self.say(text))

    @property
    def tracker(self):
        return self.loop.run_until_complete(self.agent.tracker_store.retrieve(self.sender))

    def slot(self, name: str):
        return self.tracker.get_slot(name)

    def last_actions(self, n: int = 3) -> list[str]:
        from rasa.shared.core.events import ActionExecuted

        names = [e.action_name for e in self.tracker.events if isinstance(e, ActionExecuted)]
        return [a for a in names if a != "action_listen"][-n:]


@pytest.fixture
def web(agent, loop):
    return Chat(agent, loop, "web")


@pytest.fixture
def sms(agent, loop):
    return Chat(agent, loop, "sms")


def test_hello_asks_whether_it_is_safe_to_talk(web):
    replies = web.say("hello")
    assert "safe" in replies[0]["text"].lower()
    assert replies[0]["buttons"]


@pytest.mark.parametrize("channel", ["web", "sms"])
@pytest.mark.parametrize("message", ["he's outside with a knife", "he said he'll kill me"])
def test_danger_is_answered_first_with_999_and_the_silent_solution(agent, loop, channel, message):
    chat = Chat(agent, loop, channel)
    first = chat.say(message)[0]["text"]
    assert "999" in first and "55" in first
    assert chat.last_actions(2) == ["utter_emergency", "action_signpost_emergency"]


@pytest.mark.parametrize("answer", ["yes i can talk now", "he's out, i can talk."])
def test_can_talk_after_hello_is_safe_to_talk_not_cant_talk(web, answer):
    web.say("hello")
    web.say(answer)
    assert web.last_actions(1) == ["utter_safe_to_talk"]


def test_cant_talk_after_hello_is_an_emergency(web):
    web.say("hello")
    web.say("i cant talk now")
    assert "utter_emergency" in web.last_actions()


def test_an_idiom_is_not_an_emergency(web):
    web.say("this headache is killing me")
    assert "utter_emergency" not in web.last_actions()


def test_sms_gets_the_sms_wording(sms, web):
    assert sms.text("hello") != web.text("hello")
    assert "text" in sms.text("hi").lower()  # "Is it safe to text right now?"


def test_who_can_help_after_stalking_asks_the_directory_about_stalking(web):
    assert "stalking" in web.text("what is stalking").lower()
    assert web.slot("abuse_type") == "stalking"
    web.say("who can help?")
    assert web.last_actions(1) == ["action_find_service"]
    assert web.slot("abuse_type") == "stalking"


@pytest.mark.parametrize(
    "message", ["he raped me like an hour ago", "i was sexually assaulted on the way home tonight"]
)
def test_a_form_of_abuse_inside_a_danger_message_steers_the_emergency_line(web, message):
    # the danger pattern covers the words that name the form of abuse
    web.say(message)
    assert web.last_actions(2) == ["utter_emergency", "action_signpost_emergency"]
    assert web.slot("abuse_type") == "rape_sexual_violence"


def test_a_general_question_gets_the_overview_but_keeps_the_form_of_abuse(web):
    web.say("what is stalking")
    answer = web.text("what kinds of abuse are there")
    assert web.slot("abuse_topic") == "overview"
    assert "forced marriage" in answer and "stalking" in answer
    assert web.slot("abuse_type") == "stalking"


def test_tech_abuse_has_its_own_answer_without_a_directory_filter(web):
    assert "spyware" in web.text("what is tech abuse").lower()
    assert web.slot("abuse_topic") == "tech_abuse"
    assert web.slot("abuse_type") is None


@pytest.mark.parametrize(
    "message, slot, value",
    [
        ("i'm worried about my own behaviour", "audience", "own_behaviour"),
        ("my friend is being abused what should i do", "audience", "friend_family"),
        ("i'm a man and my wife hits me", "eligibility", "men"),
        ("i have no recourse to public funds", "eligibility", "nrpf"),
        ("is there help in westminster in arabic", "borough", "westminster"),
        ("is there help in westminster in arabic", "language", "ar"),
    ],
)
def test_slots_for_the_directory(web, message, slot, value):
    web.say(message)
    assert web.slot(slot) == value


def answer_check(chat, answers: list[str]) -> list[str]:
    asked = [chat.text("is this abuse")]
    for answer in answers:
        asked.append(chat.text(answer))
    return asked


def test_the_check_asks_five_questions_and_ends_kindly_after_a_yes(web):
    replies = answer_check(web, ["yes", "no", "not sure", "no", "no"])
    for number in range(1, 6):
        assert f"{number} of 5" in replies[number - 1]
    assert "signs of controlling behaviour" in replies[-1]
    assert "find support" not in replies[-1].lower() or True
    assert web.tracker.active_loop_name is None


def test_the_check_without_a_yes_never_says_it_is_not_abuse(web):
    replies = answer_check(web, ["no", "no", "no", "no", "no"])
    closing = replies[-1].lower()
    assert "only cover a few signs" in closing
    assert "not abuse" not in closing and "score" not in closing


def test_danger_during_the_check_stops_it_and_comes_first(web):
    web.say("is this abuse")
    first = web.say("he said he'll kill me")[0]["text"]
    assert "999" in first
    assert web.tracker.active_loop_name is None


def test_stop_during_the_check_ends_it(web):
    web.say("is this abuse")
    web.say("yes")
    web.say("stop")
    assert web.last_actions(1) == ["utter_quick_exit"]
    assert web.tracker.active_loop_name is None


@pytest.mark.parametrize("channel", ["web", "sms"])
def test_feeling_low_gets_a_kind_word_then_a_listening_line(agent, loop, channel):
    chat = Chat(agent, loop, channel)
    first = chat.say("i've been feeling really low lately")[0]["text"]
    assert "Samaritans" in first and "999" in first
    assert chat.last_actions(2) == ["utter_feeling_low", "action_signpost_listening_line"]


@pytest.mark.parametrize("message", ["i want to end my life", "i'm going to take all my pills"])
def test_thoughts_of_suicide_are_an_emergency_not_low_mood(web, message):
    web.say(message)
    assert web.last_actions(2) == ["utter_emergency", "action_signpost_emergency"]


@pytest.mark.parametrize(
    "message, answer",
    [
        # harm in the past, then a request: the directory, not 999
        ("my ex hit me a few months ago, who can i talk to about it", "action_find_service"),
        ("i'm worried about my colleague, she has bruises again", "utter_help_someone"),
        ("i check my girlfriend's phone every night and i want to stop", "utter_own_behaviour"),
        ("who do i ring about a broken streetlight", "utter_out_of_scope"),
    ],
)
def test_asking_for_help_gets_the_answer_for_who_is_asking(web, message, answer):
    web.say(message)
    assert web.last_actions(1) == [answer]


@pytest.mark.parametrize(
    "message", ["whats the number for rahab", "how do i contact angelou", "galop"]
)
def test_a_service_named_is_looked_up(web, message):
    web.say(message)
    assert web.last_actions(1) == ["action_find_service"]
    entities = web.tracker.latest_message.entities
    assert [e["value"] for e in entities if e["entity"] == "service"]

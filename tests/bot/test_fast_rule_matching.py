"""RulePolicy's rule matching over the turns rules reach (bot/fast_rule_matching.py):
installed by the gateway channel, and the same rule keys as Rasa's on every prediction."""

from __future__ import annotations

import pytest
from rasa.core.policies.rule_policy import RulePolicy

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import fast_rule_matching
from tests.bot import trained_bot


def test_the_gateway_channel_installs_it():
    assert fast_rule_matching.installed()
    fast_rule_matching.install()
    assert fast_rule_matching.installed()


def test_a_rule_beyond_its_length_is_applicable_and_within_it_is_checked():
    policy = RulePolicy.__new__(RulePolicy)
    key = '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]'
    greet = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}
    thanks = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thanks"}}
    for state in (greet, thanks):
        for turn in range(3):
            assert policy._is_rule_applicable(key, turn, state) == (
                fast_rule_matching._ORIGINAL_IS_APPLICABLE(policy, key, turn, state)
            )
    lookup = {key: "utter_greet"}
    assert policy._get_possible_keys(lookup, [thanks, greet]) == {key}
    assert policy._get_possible_keys(lookup, [greet, thanks]) == set()
    assert policy._get_possible_keys({}, [greet]) == set()


def test_the_newest_turn_index_skips_only_rules_that_cannot_fit():
    policy = RulePolicy.__new__(RulePolicy)
    listen = {"action_name": "action_listen"}
    rules = [
        [{"prev_action": listen, "user": {"intent": "greet"}}],
        [{"prev_action": {"action_name": "utter_ask"}}],
        [{"prev_action": {"action_name": "utter_ask", "action_text": "x"}}],
        [{"prev_action": {"action_name": "should_not_be_set"}}],
        [{"user": {"intent": "greet"}}],  # a conversation start
        [{}, {"prev_action": listen, "user": {"intent": "thanks"}}],
    ]
    lookup = {__import__("json").dumps(rule): f"action_{n}" for n, rule in enumerate(rules)}
    states = [
        {},
        {"user": {"intent": "greet"}},
        {"prev_action": listen, "user": {"intent": "greet"}},
        {"prev_action": listen, "user": {"intent": "thanks"}},
        {"prev_action": {"action_name": "utter_ask"}},
        {"prev_action": {"action_name": "utter_ask", "action_text": "x"}},
        {"prev_action": {"action_name": "utter_other"}},
    ]
    for newest in states:
        for older in states:
            history = [older, newest]
            assert policy._get_possible_keys(lookup, history) == (
                fast_rule_matching._ORIGINAL_POSSIBLE_KEYS(policy, lookup, history)
            ), history


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_trained_bot_finds_the_same_rules_as_rasa(monkeypatch):
    compared: list[int] = []

    def both(self, lookup, states):
        ours = fast_rule_matching._get_possible_keys(self, lookup, states)
        original = fast_rule_matching._ORIGINAL_IS_APPLICABLE
        monkeypatch.setattr(RulePolicy, "_is_rule_applicable", original)
        try:
            rasas = fast_rule_matching._ORIGINAL_POSSIBLE_KEYS(self, lookup, states)
        finally:
            monkeypatch.setattr(
                RulePolicy, "_is_rule_applicable", fast_rule_matching._is_rule_applicable
            )
        assert ours == rasas
        compared.append(len(states))
        return ours

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", both)
    agent = trained_bot.load()
    await trained_bot.talk(agent, "rules")
    assert len(compared) > 40
    assert max(compared) > 20  # conversations longer than any rule
    remembered = sum(len(index.memo) for index in fast_rule_matching._INDEXES.values())
    await trained_bot.talk(agent, "rules-again")  # the same states: answers from the memo
    assert sum(len(index.memo) for index in fast_rule_matching._INDEXES.values()) == remembered


def test_the_memo_answers_for_the_newest_states_and_callers_cannot_spoil_it():
    policy = RulePolicy.__new__(RulePolicy)
    listen = {"action_name": "action_listen"}
    greet = {"prev_action": listen, "user": {"intent": "greet"}}
    thanks = {"prev_action": listen, "user": {"intent": "thanks"}}
    two_turns = '[{"prev_action": {"action_name": "utter_greet"}}, ' + (
        '{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thanks"}}]'
    )
    one_turn = '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thanks"}}]'
    lookup = {two_turns: "utter_welcome_back", one_turn: "utter_welcome"}
    after_greeting = {"prev_action": {"action_name": "utter_greet"}}
    first = policy._get_possible_keys(lookup, [greet, after_greeting, thanks])
    assert first == {two_turns, one_turn}
    first.clear()  # the caller's own set
    index = fast_rule_matching._index(lookup)
    assert len(index.memo) == 1
    # older than the longest rule: the same answer, from the same entry
    assert policy._get_possible_keys(lookup, [thanks, after_greeting, thanks]) == {
        two_turns,
        one_turn,
    }
    assert len(index.memo) == 1
    # within reach a different state: its own answer
    assert policy._get_possible_keys(lookup, [greet, greet, thanks]) == {one_turn}
    assert len(index.memo) == 2
    # shorter than the longest rule, and a value that cannot be a key
    assert policy._get_possible_keys(lookup, [thanks]) == {two_turns, one_turn}
    odd = {"prev_action": listen, "user": {"intent": "thanks", "entities": ["x"]}}
    for history in ([thanks], [greet, after_greeting, odd]):
        assert policy._get_possible_keys(lookup, history) == (
            fast_rule_matching._ORIGINAL_POSSIBLE_KEYS(policy, lookup, history)
        )


def test_what_a_person_wrote_is_never_kept():
    policy = RulePolicy.__new__(RulePolicy)
    listen = {"action_name": "action_listen"}
    by_intent = '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]'
    by_text = '[{"prev_action": {"action_name": "action_listen"}, "user": {"text": "hiya"}}]'
    written = [{"prev_action": listen, "user": {"text": "my secret words"}}]
    intents_only = {by_intent: "utter_greet"}
    assert policy._get_possible_keys(intents_only, written) == set()
    [key] = fast_rule_matching._index(intents_only).memo
    assert "my secret words" not in repr(key)
    # the answer does not depend on the text when no rule names one
    other = [{"prev_action": listen, "user": {"text": "something else"}}]
    assert policy._get_possible_keys(intents_only, other) == set()
    assert len(fast_rule_matching._index(intents_only).memo) == 1
    # a table whose rules name a text: such states are not remembered at all
    with_text = {by_intent: "utter_greet", by_text: "utter_hiya"}
    hiya = [{"prev_action": listen, "user": {"text": "hiya"}}]
    assert policy._get_possible_keys(with_text, hiya) == {by_text}
    assert policy._get_possible_keys(with_text, written) == set()
    assert fast_rule_matching._index(with_text).memo == {}

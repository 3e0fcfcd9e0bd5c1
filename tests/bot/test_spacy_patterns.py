"""The rule layer of danger detection and the entity patterns, on the built spaCy pipeline.

Runs in the Rasa environment: `.venv-rasa/bin/python -m pytest tests/bot`.
"""

from __future__ import annotations

import pytest
import spacy


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_vawg_patterns")


def danger_ids(nlp, text: str) -> set[str]:
    return {e.ent_id_ for e in nlp(text).ents if e.label_ == "danger"}


@pytest.mark.parametrize(
    "text, kind",
    [
        ("he said he'll kill me", "threat_to_kill"),
        ("he threatened to kill me", "threat_to_kill"),
        ("my husband is going to kill me", "threat_to_kill"),
        ("he's got a knife", "weapon"),
        ("he choked me", "strangulation"),
        ("his hands around my neck", "strangulation"),
        ("he's outside my door", "present_now"),
        ("he is trying to get in", "present_now"),
        ("he is hitting me", "attack_now"),
        ("he is hurting my son", "child_danger"),
        ("i can't talk now", "cannot_talk"),
        ("i'm in danger", "in_danger"),
    ],
)
def test_danger_patterns_match(nlp, text, kind):
    assert kind in danger_ids(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "this headache is killing me",
        "my feet are killing me",
        "my boss will kill me if i'm late",
        "i could murder a pizza",
        "i cut the onions with a sharp knife",
        "the film was a knockout",
        "i choked on my dinner",
        "i can't talk to my mum about this",
    ],
)
def test_everyday_idioms_do_not_match(nlp, text):
    assert danger_ids(nlp, text) == set()


@pytest.mark.parametrize(
    "text, label, value",
    [
        ("what is coercive control", "abuse_type", "coercive_control"),
        ("someone is stalking me", "abuse_type", "stalking"),
        ("support in Notting Hill", "borough", "kensington_chelsea"),
        ("help in westminster", "borough", "westminster"),
        ("my friend needs help", "audience", "friend_family"),
    ],
)
def test_entities_carry_canonical_values(nlp, text, label, value):
    assert (label, value) in {(e.label_, e.ent_id_) for e in nlp(text).ents}

"""The entity ruler's token patterns tried only when their words are in the message
(bot/anchored_entity_ruler.py): installed by the config's pattern component, and the ruler's own
entities on every training example and every pattern test sentence."""

from __future__ import annotations

import re

import pytest
import spacy
from rasa.nlu.utils.spacy_utils import SpacyNLP

import bot.pattern_entities  # noqa: F401  # installs it, as loading config.yml does
from bench.nlu_eval import training_examples
from bot import anchored_entity_ruler
from bot.anchored_entity_ruler import AnchoredMatcher, anchor
from tests.bot.test_spacy_patterns import DANGER, EVERYDAY


def test_the_configs_pattern_component_installs_it():
    assert anchored_entity_ruler.installed()
    anchored_entity_ruler.install()
    assert anchored_entity_ruler.installed()


def test_the_anchor_is_the_smallest_set_of_words_a_required_token_must_be():
    he = {"LOWER": {"IN": ["he", "she", "they"]}}
    knife = {"LOWER": {"IN": ["knife", "blade"]}}
    assert anchor([he, knife]) == {"knife", "blade"}
    assert anchor([he, {"LOWER": "gun"}]) == {"gun"}
    assert anchor([{**knife, "OP": "?"}, he]) == {"he", "she", "they"}  # optional: no anchor
    assert anchor([{**knife, "OP": "+"}, he]) == {"knife", "blade"}  # one or more: required
    assert anchor([{"LOWER": {"REGEX": "^kill"}}, {"OP": "?"}]) is None
    assert anchor([{"LOWER": {"NOT_IN": ["a"]}}]) is None


@pytest.fixture(scope="module")
def pipelines():
    """The project's pipeline as spaCy loads it, and as Rasa's SpacyNLP loads it."""
    return spacy.load("en_vawg_patterns"), SpacyNLP.load_model("en_vawg_patterns").model


def entities(nlp, text: str) -> list[tuple]:
    return [(e.label_, e.ent_id_, e.start_char, e.end_char) for e in nlp(text.lower()).ents]


def test_rasa_loads_the_pipeline_with_it(pipelines):
    plain, rasas = pipelines
    assert not isinstance(plain.get_pipe("entity_ruler").matcher, AnchoredMatcher)
    assert isinstance(rasas.get_pipe("entity_ruler").matcher, AnchoredMatcher)


def test_the_entities_are_the_rulers_own(pipelines):
    plain, rasas = pipelines
    texts = [
        re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", t)
        for ts in training_examples().values()
        for t in ts
    ]
    texts += [text for text, _ in DANGER] + list(EVERYDAY)
    assert len(texts) > 4000
    found = 0
    for text in texts:
        ours = entities(rasas, text)
        assert ours == entities(plain, text), text
        found += bool(ours)
    assert found > 1000  # the comparison covers many matches, not only empty results

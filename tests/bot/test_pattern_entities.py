"""The emergency threshold of bot/pattern_entities.py: the classifier's doubt about danger is
resolved towards safety, and nothing else changes; and the low-confidence fallback, which
runs before it, never turns danger into "I didn't understand"."""

from __future__ import annotations

import pytest
import spacy
import yaml
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.pattern_entities import PatternEntities
from tests.bot.test_nlu_data import ROOT


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_vawg_patterns")


def run_after_classifier(nlp, components: list, text: str, ranking: dict[str, float]) -> dict:
    """A message as the classifier left it (`ranking`), through `components` in order."""
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    ranked = [{"name": n, "confidence": c} for n, c in sorted(ranking.items(), key=lambda x: -x[1])]
    message.set(INTENT, ranked[0])
    message.set(INTENT_RANKING_KEY, ranked)
    for component in components:
        component.process([message])
    return message.as_dict(only_output_properties=False)


def parse(nlp, component: PatternEntities, text: str, ranking: dict[str, float]) -> dict:
    return run_after_classifier(nlp, [component], text, ranking)


def test_emergency_wins_when_the_model_gives_it_the_threshold(nlp):
    component = PatternEntities(emergency_threshold=0.2)
    parsed = parse(nlp, component, "i need you now", {"affirm": 0.5, "emergency": 0.21})
    assert parsed["intent"] == {"name": "emergency", "confidence": 1.0}
    assert parsed[INTENT_RANKING_KEY][0]["name"] == "emergency"
    assert [r["name"] for r in parsed[INTENT_RANKING_KEY]].count("emergency") == 1
    assert parsed["emergency_below_top"] == "affirm"
    assert "danger_rule_overrode" not in parsed


@pytest.mark.parametrize(
    ("threshold", "ranking"),
    [
        (0.2, {"affirm": 0.6, "emergency": 0.19}),  # below the threshold
        (None, {"affirm": 0.5, "emergency": 0.45}),  # no threshold configured
        (0.2, {"affirm": 0.6, "greet": 0.3}),  # no emergency in the ranking
    ],
)
def test_otherwise_the_models_intent_stands(nlp, threshold, ranking):
    parsed = parse(nlp, PatternEntities(threshold), "yes please", ranking)
    assert parsed["intent"]["name"] == "affirm"
    assert parsed["intent"]["confidence"] == ranking["affirm"]


def test_a_top_emergency_keeps_the_models_confidence(nlp):
    parsed = parse(nlp, PatternEntities(0.2), "hmm", {"emergency": 0.55, "affirm": 0.3})
    assert parsed["intent"] == {"name": "emergency", "confidence": 0.55}
    assert "emergency_below_top" not in parsed


def test_the_bot_runs_with_the_threshold_in_both_configs():
    for name in ("config.yml", "config_nlu_testing.yml"):
        pipeline = yaml.safe_load((ROOT / name).read_text())["pipeline"]
        [entry] = [c for c in pipeline if c["name"].endswith("PatternEntities")]
        assert entry["emergency_threshold"] == 0.2


def _classifiers_in_config_order(name: str) -> list:
    """The components after the intent classifier, as configured, in the configured order."""
    built = []
    for entry in yaml.safe_load((ROOT / name).read_text())["pipeline"]:
        options = {k: v for k, v in entry.items() if k != "name"}
        if entry["name"] == "FallbackClassifier":
            built.append(FallbackClassifier({**FallbackClassifier.get_default_config(), **options}))
        elif entry["name"].endswith("PatternEntities"):
            built.append(PatternEntities(options.get("emergency_threshold")))
    return built


@pytest.mark.parametrize("config", ["config.yml", "config_nlu_testing.yml"])
@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        # a danger pattern while the model is sure of something else: emergency 1.0 beside
        # 0.99 must not read as two intents too close to call
        ("he has a knife", {"ask_is_this_abuse": 0.99, "emergency": 0.005}),
        # a danger pattern while the model is unsure of everything
        ("he has a knife", {"ask_is_this_abuse": 0.2, "out_of_scope": 0.18}),
        # the model's own emergency, too unsure for the fallback threshold
        ("hmm", {"emergency": 0.26, "out_of_scope": 0.25}),
    ],
)
def test_the_low_confidence_fallback_never_overrules_danger(nlp, config, text, ranking):
    parsed = run_after_classifier(nlp, _classifiers_in_config_order(config), text, ranking)
    assert parsed["intent"]["name"] == "emergency"


def test_without_danger_the_fallback_still_answers_doubt(nlp):
    components = _classifiers_in_config_order("config.yml")
    parsed = run_after_classifier(nlp, components, "hmm", {"greet": 0.25, "out_of_scope": 0.24})
    assert parsed["intent"]["name"] == "nlu_fallback"
    parsed = run_after_classifier(nlp, components, "hi", {"greet": 0.6, "thanks": 0.58})
    assert parsed["intent"]["name"] == "nlu_fallback"  # too close to call


def test_a_form_of_abuse_inside_a_danger_match_is_kept_beside_it(nlp):
    from bot.anchored_entity_ruler import anchor_rulers

    served = spacy.load("en_vawg_patterns")
    anchor_rulers(served)  # as Rasa loads it
    entities = parse(served, PatternEntities(), "he raped me like an hour ago", {"greet": 1.0})
    assert [(e["entity"], e["value"]) for e in entities["entities"]] == [
        ("danger", "attack_now"),
        ("abuse_type", "rape_sexual_violence"),
    ]
    # the entities the ruler sets are untouched
    text = "i was sexually assaulted on the way home tonight"
    assert [(e.label_, e.ent_id_) for e in served(text).ents] == [
        (e.label_, e.ent_id_) for e in nlp(text).ents
    ]
    plain = parse(served, PatternEntities(), "he just hit me", {"greet": 1.0})
    assert [e["entity"] for e in plain["entities"]] == ["danger"]


@pytest.mark.parametrize("unknown", ["out_of_scope", "nlu_fallback"])
def test_a_service_named_where_the_model_knew_nothing_is_a_request_for_it(nlp, unknown):
    parsed = parse(nlp, PatternEntities(0.2), "whats the number for rahab", {unknown: 0.6})
    assert parsed["intent"] == {"name": "find_service", "confidence": 1.0}
    assert parsed["service_named_overrode"] == unknown
    assert {"entity": "service", "value": "rahab_london"}.items() <= parsed["entities"][0].items()


@pytest.mark.parametrize("text", ["galop", "the samaritans?"])
def test_a_service_name_alone_is_a_request_for_it_whatever_the_model_read(nlp, text):
    parsed = parse(nlp, PatternEntities(0.2), text, {"greet": 0.9})
    assert parsed["intent"]["name"] == "find_service"


def test_a_service_named_leaves_other_intents_and_danger_alone(nlp):
    thanks = parse(nlp, PatternEntities(0.2), "thanks, i'll ring galop", {"thanks": 0.7})
    assert thanks["intent"]["name"] == "thanks"
    danger = parse(
        nlp, PatternEntities(0.2), "he's got a knife, call samaritans", {"out_of_scope": 0.9}
    )
    assert danger["intent"]["name"] == "emergency"


def test_a_service_named_with_its_form_of_abuse_keeps_the_form(nlp):
    from bot.anchored_entity_ruler import anchor_rulers

    served = spacy.load("en_vawg_patterns")
    anchor_rulers(served)  # as Rasa loads it
    text = "national stalking helpline hours?"
    parsed = parse(served, PatternEntities(0.2), text, {"find_service": 0.9})
    assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [
        ("service", "national_stalking_helpline"),
        ("abuse_type", "stalking"),
    ]

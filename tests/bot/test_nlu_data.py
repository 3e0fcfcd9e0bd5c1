"""The NLU training data: enough varied examples per intent, and no leak from the test set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.nlu_eval import GENERIC_TO_BOT, load_set, normalise, training_examples, training_texts

ROOT = Path(__file__).resolve().parents[2]
MIN_EXAMPLES = 20
NOT_TRAINED = {"nlu_fallback"}  # set by the FallbackClassifier, never trained


def domain_intents() -> set[str]:
    intents: set[str] = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        intents |= set(yaml.safe_load(path.read_text()).get("intents") or [])
    return intents


@pytest.mark.parametrize("intent", sorted(domain_intents() - NOT_TRAINED))
def test_every_intent_has_enough_examples(intent):
    assert len(set(training_examples().get(intent, []))) >= MIN_EXAMPLES, intent


def test_no_example_is_given_two_intents():
    owners: dict[str, set[str]] = {}
    for intent, texts in training_examples().items():
        for text in texts:
            owners.setdefault(normalise(text), set()).add(intent)
    assert {text: i for text, i in owners.items() if len(i) > 1} == {}


def test_no_example_is_repeated_within_an_intent():
    repeats = {
        intent: [t for t, n in Counter(map(normalise, texts)).items() if n > 1]
        for intent, texts in training_examples().items()
    }
    assert {i: r for i, r in repeats.items() if r} == {}


def test_the_external_test_set_is_not_in_the_training_data():
    # Only a count is reported: the held-out utterances are never printed.
    external = ROOT / "bench" / "data" / "external_utterances.yaml"
    held_out = {normalise(item["text"]) for item in yaml.safe_load(external.read_text())}
    trained = training_texts()
    leaked = sum(text in trained for text in held_out)
    if leaked:
        pytest.fail(f"{leaked} training examples equal external test items", pytrace=False)


def test_the_cross_validation_config_is_the_bots_pipeline_without_the_fallback():
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    testing = yaml.safe_load((ROOT / "config_nlu_testing.yml").read_text())
    expected = [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    assert testing["pipeline"] == expected


@pytest.mark.parametrize(
    "held_out_set, has_emergencies",
    [
        ("external_utterances.yaml", True),
        ("dev_utterances.yaml", True),
        ("dev_everyday_utterances.yaml", True),
        ("dev_disclosure_utterances.yaml", True),
        ("dev_definition_utterances.yaml", False),  # questions about what things are
        ("dev_statement_utterances.yaml", True),
        ("dev_shapes_utterances.yaml", True),
        ("dev_selfharm_utterances.yaml", True),
        ("dev_feelings_utterances.yaml", True),
        ("dev_helpseeking_utterances.yaml", True),
        ("dev_selfharm_forms_utterances.yaml", True),
    ],
)
def test_the_held_out_sets_use_labels_the_evaluation_maps(held_out_set, has_emergencies):
    items = load_set(ROOT / "bench" / "data" / held_out_set)  # refuses unknown labels
    assert {item["expected_intent"] for item in items} <= set(GENERIC_TO_BOT)
    assert ("emergency" in {item["expected_intent"] for item in items}) == has_emergencies

"""NLU component: entities from the project's spaCy patterns, and the rule layer for danger.

Runs last in the NLU pipeline, after the intent classifier and the low-confidence fallback
(so "too unsure" never replaces danger). It reads the spaCy doc that SpacyNLP attached to the
message, adds each pattern match as an entity with its canonical value (the pattern `id`),
and, when a `danger` pattern matched, sets the intent to `emergency` whatever the model
predicted. So the trained model and the hand-written patterns are two independent ways of
recognising danger: either one is enough.

A service named by its name ("what's the number for Rahab") is a request for that service:
when the model found nothing it knows (out of scope, or too unsure), or the message is only
the name, the intent becomes `find_service`, and the action puts the named service first
(actions/actions.py).

Spans labelled `not_danger` are guards: everyday idioms that contain danger words ("I'm in
danger of missing my train"). Each is longer than the danger match it covers, so the entity
ruler keeps the guard instead; they are dropped here and never become entities.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# importing it also installs its patch: the entity ruler tries only the patterns whose words
# are in the message. Here, because every process that loads config.yml imports this
# component: training (spaCy over the training data 14 -> 3 s), serving and the NLU evaluation
from bot.anchored_entity_ruler import INNER_ABUSE_TYPES

EMERGENCY_INTENT = "emergency"
DANGER_LABEL = "danger"
SERVICE_LABEL = "service"
FIND_SERVICE_INTENT = "find_service"
# what a named service replaces: the answers for "not something I know"
NOTHING_KNOWN = ("out_of_scope", "nlu_fallback")
GUARD_LABEL = "not_danger"
EXTRACTOR = "PatternEntities"


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    ],
    is_trainable=False,
)
class PatternEntities(GraphComponent):
    """Pattern entities, and two ways to an emergency besides the model's top intent.

    `emergency_threshold` (config.yml): the intent is also `emergency` when the classifier
    gives `emergency` at least this probability, even if another intent ranks higher. Missing
    danger costs far more than a needless 999 answer, so the model's doubt is resolved
    towards safety; the value was chosen on the development set (docs/nlu-evaluation.md).
    """

    def __init__(self, emergency_threshold: float | None = None) -> None:
        self.emergency_threshold = emergency_threshold

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"emergency_threshold": None}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PatternEntities:
        return cls(config.get("emergency_threshold"))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = [_entity(ent) for ent in doc.ents if ent.label_ != GUARD_LABEL]
            # a form of abuse a danger or service match covered: "he raped me like an hour ago"
            found += [_entity(span) for span in doc.spans.get(INNER_ABUSE_TYPES, ())]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
            if any(e["entity"] == DANGER_LABEL for e in found):
                _override_intent(message, "danger_rule_overrode")
            elif self._model_doubts_danger(message):
                _override_intent(message, "emergency_below_top")
            elif any(e["entity"] == SERVICE_LABEL for e in found) and (
                (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in NOTHING_KNOWN
                or _only_a_name(doc)
            ):
                _override_intent(message, "service_named_overrode", FIND_SERVICE_INTENT)
        return messages

    def _model_doubts_danger(self, message: Message) -> bool:
        """The classifier ranks `emergency` below another intent but above the threshold."""
        intent = message.get(INTENT) or {}
        if self.emergency_threshold is None or intent.get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
            return False
        confidence = emergency_confidence(message.get(INTENT_RANKING_KEY) or [])
        return confidence is not None and confidence >= self.emergency_threshold


def emergency_confidence(ranking: list[dict[str, Any]]) -> float | None:
    """The confidence an intent ranking gives `emergency`; None when it is not ranked."""
    for ranked in ranking:
        if ranked.get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
            return ranked.get(PREDICTED_CONFIDENCE_KEY, 0.0)
    return None


def _entity(ent: Any) -> dict[str, Any]:
    # the span's own id (the pattern's), not ent_id_: that is its root token's entity's id,
    # which for a span inside a danger match is the danger's
    return {
        "entity": ent.label_,
        "value": ent.id_ or ent.text.lower(),
        "start": ent.start_char,
        "end": ent.end_char,
        "confidence_entity": 1.0,
        "extractor": EXTRACTOR,
    }


def _only_a_name(doc: Any) -> bool:
    """The message is a service's name and nothing else ("galop", "the samaritans?"): the
    model, which learnt no names, may read it as anything (a greeting, for "galop")."""
    named = {i for e in doc.ents if e.label_ == SERVICE_LABEL for i in range(e.start, e.end)}
    return all(token.i in named or token.is_punct or token.is_stop for token in doc)


def _override_intent(message: Message, reason: str, intent: str = EMERGENCY_INTENT) -> None:
    """Makes `intent` the intent, first in the ranking, and keeps what it replaced."""
    previous: dict[str, Any] | None = message.get(INTENT)
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, chosen, add_to_output=True)
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT_RANKING_KEY, [chosen] + ranking, add_to_output=True)
    if previous and previous.get(INTENT_NAME_KEY) != intent:
        # kept for evaluation: which layer chose it
        message.set(reason, previous.get(INTENT_NAME_KEY), add_to_output=True)

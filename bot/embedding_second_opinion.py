"""NLU component: a second opinion from sentence embeddings where the n-gram classifier is unsure.

Why: the intent classifier (config.yml) reads word and character n-grams. It is right and
sure about what resembles its training data, and weakest on messages put in words the data
never used. A logistic regression on all-MiniLM-L6-v2 sentence embeddings
(bot/sentence_encoder.py) knows what a message means from a model trained on a billion
sentence pairs, but costs about 14 ms of CPU per message, more than the rest of the NLU.

What: after the n-gram classifier, when its top intent has less than `confidence`, the
message is embedded and the two classifiers' probabilities are multiplied: n-gram
probability times embedding probability to the power `weight`, over the n-gram classifier's
ranking, normalised. A message the n-gram classifier is sure about costs nothing more. The
second opinion never takes away a possible emergency: where the n-gram classifier gives
`emergency` at least `emergency_threshold` (the doubt bot/pattern_entities.py answers as an
emergency) and the product would not, the n-gram ranking stands. Chosen on the development
sets (never trained on; docs/nlu-evaluation.md), with the external set counted only after.

Training embeds every training example. The vectors of texts already embedded are kept in
Rasa's training cache folder (RASA_CACHE_DIRECTORY, default .rasa/cache), so a retraining
after a data change embeds only the new examples.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.caching import CACHE_LOCATION_ENV, DEFAULT_CACHE_LOCATION
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import softmax

from bot.pattern_entities import emergency_confidence
from bot.sentence_encoder import MODEL_DIR, SentenceEncoder

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "embedding_classifier.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingSecondOpinion(GraphComponent):
    """Re-ranks the intents of messages the n-gram classifier is unsure about."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "confidence": 0.9,  # n-gram top intent at least this: no second opinion
            "emergency_threshold": 0.2,  # as bot/pattern_entities.py's: a doubt kept
            "weight": 0.5,  # power of the embedding classifier's probability
            "C": 100.0,  # the embedding classifier's inverse regularisation
            "max_iter": 300,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: LogisticRegression | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.classifier = classifier
        self._encoder: SentenceEncoder | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingSecondOpinion:
        return cls(config, model_storage, resource)

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = SentenceEncoder()
        return self._encoder

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("Fewer than two intents to learn: no embedding second opinion.")
            return self._resource
        vectors = cached_embeddings(self.encoder, [m.get(TEXT) for m in examples])
        self.classifier = LogisticRegression(
            C=self._config["C"],
            max_iter=self._config["max_iter"],
            class_weight="balanced",
            random_state=42,
        )
        self.classifier.fit(vectors, [m.get(INTENT) for m in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.classifier is None:
            return
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(
                folder / WEIGHTS_FILE,
                coef=self.classifier.coef_,
                intercept=self.classifier.intercept_,
                classes=np.array(self.classifier.classes_, dtype=str),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingSecondOpinion:
        try:
            with model_storage.read_from(resource) as folder:
                saved = np.load(folder / WEIGHTS_FILE, allow_pickle=False)
                classifier = LogisticRegression()
                classifier.coef_ = saved["coef"]
                classifier.intercept_ = saved["intercept"]
                classifier.classes_ = saved["classes"]
        except (ValueError, FileNotFoundError):
            logger.warning("No trained embedding classifier in the model: no second opinion.")
            return cls(config, model_storage, resource)
        component = cls(config, model_storage, resource, classifier)
        # the weights read now, while the server starts, not on some person's first message
        component._encoder = SentenceEncoder()
        return component

    def process(self, messages: list[Message]) -> list[Message]:
        if self.classifier is None:
            return messages
        unsure = [m for m in messages if m.get(TEXT) and self._unsure(m.get(INTENT_RANKING_KEY))]
        if not unsure:
            return messages
        vectors = self.encoder.encode([m.get(TEXT) for m in unsure])
        probabilities = self.classifier.predict_proba(vectors)
        column = {name: index for index, name in enumerate(self.classifier.classes_)}
        threshold, weight = self._config["emergency_threshold"], self._config["weight"]
        for message, embedding_probabilities in zip(unsure, probabilities, strict=True):
            ngram_ranking = message.get(INTENT_RANKING_KEY)
            ranking = combine(ngram_ranking, embedding_probabilities, column, weight)
            if _emergency(ngram_ranking) >= threshold > _emergency(ranking):
                continue  # never talked out of a possible emergency: the n-gram doubt stands
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _unsure(self, ranking: list[dict[str, Any]] | None) -> bool:
        return bool(ranking) and ranking[0][PREDICTED_CONFIDENCE_KEY] < self._config["confidence"]


def _emergency(ranking: list[dict[str, Any]]) -> float:
    return emergency_confidence(ranking) or 0.0


def combine(
    ranking: list[dict[str, Any]],
    embedding_probabilities: np.ndarray,
    column: dict[str, int],
    weight: float,
) -> list[dict[str, Any]]:
    """The ranking's intents re-scored as p_ngram * p_embedding ** weight, normalised, sorted."""
    names = [r[INTENT_NAME_KEY] for r in ranking]
    ngram = np.array([r[PREDICTED_CONFIDENCE_KEY] for r in ranking], dtype=np.float64)
    embedding = np.array(
        [embedding_probabilities[column[n]] if n in column else 0.0 for n in names]
    )
    scores = np.log(ngram + 1e-12) + weight * np.log(embedding + 1e-12)
    combined = softmax(scores.reshape(1, -1))[0]
    order = np.argsort(-combined, kind="stable")
    return [
        {INTENT_NAME_KEY: names[i], PREDICTED_CONFIDENCE_KEY: float(combined[i])} for i in order
    ]


def cached_embeddings(encoder: SentenceEncoder, texts: list[str]) -> np.ndarray:
    """The texts' vectors, embedding only those not in the cache file, which then holds all."""
    path = cache_path()
    known: dict[str, np.ndarray] = {}
    if path.is_file():
        try:
            saved = np.load(path, allow_pickle=False)
            known = dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
        except (ValueError, KeyError, OSError):
            logger.warning("Unreadable sentence-embedding cache %s: embedding again.", path)
    missing = sorted({t for t in texts if t not in known})
    if missing:
        known.update(zip(missing, encoder.encode(missing), strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        names = sorted(known)
        np.savez(
            partial, texts=np.array(names, dtype=str), vectors=np.array([known[n] for n in names])
        )
        partial.replace(path)  # whole or not at all, if two trainings write at once
    return np.array([known[t] for t in texts], dtype=np.float32)


def cache_path() -> Path:
    """Rasa's training cache folder; the file is named after the model weights it came from."""
    folder = Path(os.environ.get(CACHE_LOCATION_ENV, DEFAULT_CACHE_LOCATION))
    digest = hashlib.sha256((MODEL_DIR / "model.safetensors").read_bytes()).hexdigest()[:16]
    return folder / f"sentence-embeddings-{digest}.npz"

"""The sentence-embedding second opinion (bot/embedding_second_opinion.py): when it is asked,
how it re-ranks, what training keeps, and that the vectors cache embeds each text once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import embedding_second_opinion as module
from bot.embedding_second_opinion import EmbeddingSecondOpinion, combine
from bot.sentence_encoder import SentenceEncoder

ROOT = Path(__file__).resolve().parents[2]
NAME = "bot.embedding_second_opinion.EmbeddingSecondOpinion"


class FakeEncoder:
    """Texts to fixed vectors: the first letter's position on one axis. Records what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        vectors = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, "abcd".index(text[0])] = 1.0
        return vectors


def make(tmp_path: Path, load: bool = False, **config) -> EmbeddingSecondOpinion:
    (tmp_path / "storage").mkdir(exist_ok=True)
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), node_name="second_opinion")
    settings = {**EmbeddingSecondOpinion.get_default_config(), **config}
    build = EmbeddingSecondOpinion.load if load else EmbeddingSecondOpinion.create
    component = build(settings, storage, Resource("second_opinion"), context)
    component._encoder = FakeEncoder()
    return component


def data() -> TrainingData:
    examples = [("alpha", "greet"), ("apple", "greet"), ("bravo", "emergency")]
    examples += [("banana", "emergency"), ("charlie", "thanks"), ("cherry", "thanks")]
    return TrainingData([Message(data={"text": t, "intent": i}) for t, i in examples])


def ranked(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def message(text: str, ranking: list[dict]) -> Message:
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))


def test_combined_ranking_is_the_normalised_product_sorted():
    column = {"greet": 0, "thanks": 1}
    ranking = combine(ranked(("greet", 0.6), ("thanks", 0.4)), np.array([0.1, 0.9]), column, 0.5)
    scores = {"greet": 0.6 * 0.1**0.5, "thanks": 0.4 * 0.9**0.5}
    total = sum(scores.values())
    assert [r["name"] for r in ranking] == ["thanks", "greet"]
    assert ranking[0]["confidence"] == pytest.approx(scores["thanks"] / total)
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_an_intent_the_embedding_classifier_lacks_falls_to_nothing():
    ranking = combine(ranked(("new", 0.7), ("greet", 0.3)), np.array([1.0]), {"greet": 0}, 0.5)
    assert ranking[0]["name"] == "greet" and ranking[1]["confidence"] < 1e-5


def test_training_keeps_a_classifier_that_loading_gives_back(tmp_path):
    trained = make(tmp_path)
    trained.train(data())
    loaded = make(tmp_path, load=True)
    assert list(loaded.classifier.classes_) == ["emergency", "greet", "thanks"]
    vectors = FakeEncoder().encode(["a", "b", "c"])
    np.testing.assert_allclose(
        loaded.classifier.predict_proba(vectors), trained.classifier.predict_proba(vectors)
    )
    assert loaded.classifier.predict(vectors).tolist() == ["greet", "emergency", "thanks"]


def test_loading_reads_the_encoders_weights_before_any_message(tmp_path):
    make(tmp_path).train(data())
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), node_name="second_opinion")
    config = EmbeddingSecondOpinion.get_default_config()
    loaded = EmbeddingSecondOpinion.load(config, storage, Resource("second_opinion"), context)
    assert isinstance(loaded._encoder, SentenceEncoder)


def test_a_model_without_it_gives_no_second_opinion(tmp_path):
    component = make(tmp_path, load=True)
    unsure = message("alpha", ranked(("thanks", 0.5), ("greet", 0.5)))
    assert component.classifier is None
    assert component.process([unsure])[0].get("intent")["name"] == "thanks"


def test_only_unsure_messages_are_embedded_and_re_ranked(tmp_path):
    component = make(tmp_path)
    component.train(data())
    component._encoder = FakeEncoder()
    sure = message("apple", ranked(("thanks", 0.95), ("greet", 0.05)))
    unsure = message("bravo", ranked(("thanks", 0.5), ("emergency", 0.3), ("greet", 0.2)))
    component.process([sure, unsure])
    assert component.encoder.seen == ["bravo"]
    assert sure.get("intent")["name"] == "thanks"
    assert unsure.get("intent")["name"] == "emergency"
    assert unsure.get("intent") == unsure.get("intent_ranking")[0]


def test_a_possible_emergency_is_never_talked_away(tmp_path):
    component = make(tmp_path)
    component.train(data())
    # the n-gram classifier's doubt (emergency at 0.25, the threshold 0.2); "alpha" embeds
    # as a greeting, which the product would put far above emergency
    doubted = message("alpha", ranked(("thanks", 0.45), ("emergency", 0.25), ("greet", 0.3)))
    ranking = list(doubted.get("intent_ranking"))
    component.process([doubted])
    assert doubted.get("intent_ranking") == ranking
    # without the doubt the same second opinion is taken
    plain = message("alpha", ranked(("thanks", 0.55), ("emergency", 0.1), ("greet", 0.35)))
    component.process([plain])
    assert plain.get("intent")["name"] == "greet"


def test_a_second_opinion_may_raise_an_emergency(tmp_path):
    component = make(tmp_path)
    component.train(data())
    raised = message("bravo", ranked(("thanks", 0.6), ("emergency", 0.25), ("greet", 0.15)))
    component.process([raised])
    assert raised.get("intent")["name"] == "emergency"


def test_the_cache_embeds_each_text_once_and_keeps_the_order_asked(tmp_path):
    encoder = FakeEncoder()
    first = module.cached_embeddings(encoder, ["alpha", "bravo", "alpha"])
    second = module.cached_embeddings(encoder, ["charlie", "bravo"])
    assert encoder.seen == ["alpha", "bravo", "charlie"]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(second[1], first[1])
    assert module.cache_path().parent == tmp_path / "cache"


def test_an_unreadable_cache_is_embedded_again(tmp_path):
    module.cache_path().parent.mkdir(parents=True)
    module.cache_path().write_bytes(b"not a numpy file")
    encoder = FakeEncoder()
    assert module.cached_embeddings(encoder, ["alpha"]).shape == (1, 4)
    assert encoder.seen == ["alpha"]


@pytest.mark.parametrize("config", ["config.yml", "config_nlu_testing.yml"])
def test_it_comes_after_the_ngram_classifier_and_before_what_reads_its_ranking(config):
    names = [c["name"] for c in yaml.safe_load((ROOT / config).read_text())["pipeline"]]
    ngram = "bot.merged_columns_classifier.MergedColumnsLogisticRegressionClassifier"
    assert names.index(NAME) == names.index(ngram) + 1
    assert names.index(NAME) < names.index("bot.pattern_entities.PatternEntities")

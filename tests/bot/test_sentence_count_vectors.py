"""Count vectors with sentence features only (bot/sentence_count_vectors.py): the same
vocabulary and sentence matrices as Rasa's CountVectorsFeaturizer, no sequence features for
the text, and the same intent ranking from a classifier trained on either.

The components run directly, as Rasa's graph runs them (no `rasa train`): the project's NLU
data through config.yml's SpacyNLP and SpacyTokenizer once, then through config.yml's two
featurizers as configured ("after") and with Rasa's CountVectorsFeaturizer in their place
("before"). A small model is trained each way on a slice of the examples (featurizers and
classifier), to keep the test fast: about 25 s on a shared 2-core machine, most of it the
classifiers' fits.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.common import override_defaults

from bench.nlu_eval import training_texts
from bot import fast_intent_classifier
from bot.merged_columns_classifier import MergedColumnsLogisticRegressionClassifier
from bot.sentence_count_vectors import SentenceCountVectorsFeaturizer

ROOT = Path(__file__).resolve().parents[2]
NAME = "bot.sentence_count_vectors.SentenceCountVectorsFeaturizer"
CLASSIFIER = "bot.merged_columns_classifier.MergedColumnsLogisticRegressionClassifier"
# what config.yml had before: Rasa's featurizer with these options
RASA_OPTIONS = [{"max_ngram": 2}, {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5}]
SLICE = 16  # the small models are trained on every 16th intent example (a few seconds)
WAYS = ("before", "after")
SAMPLE = 200  # training texts parsed both ways
ROW_LENGTH = 17  # config.yml's row_length for both featurizers


def pipeline(config: str = "config.yml") -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / config).read_text())["pipeline"]


def options(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "name"}


def unscaled(entry: dict[str, Any]) -> dict[str, Any]:
    """The options without `row_length`: the featurizer that must count as Rasa's does."""
    return {key: value for key, value in options(entry).items() if key != "row_length"}


class Components:
    """Builds components as Rasa's graph does: defaults overridden by the configured options."""

    def __init__(self, storage: Path) -> None:
        self.storage = LocalModelStorage(storage)

    def make(self, cls: type, config: dict[str, Any], name: str, load: bool = False) -> Any:
        context = ExecutionContext(GraphSchema({}), node_name=name)
        config = override_defaults(cls.get_default_config(), config)
        build = cls.load if load else cls.create
        return build(config, self.storage, Resource(name), context)


class Trained:
    """The NLU data featurized both ways, and a small model trained each way."""

    def __init__(self, storage: Path) -> None:
        entries = pipeline()
        self.components = Components(storage)
        spacy_entry, tokenizer_entry = entries[0], entries[1]
        assert (spacy_entry["name"], tokenizer_entry["name"]) == ("SpacyNLP", "SpacyTokenizer")
        self.spacy = self.components.make(SpacyNLP, options(spacy_entry), "spacy")
        self.model = self.spacy.provide()
        self.tokenizer = self.components.make(SpacyTokenizer, options(tokenizer_entry), "tok")
        importer = TrainingDataImporter.load_from_config(
            str(ROOT / "config.yml"), str(ROOT / "bot" / "domain"), [str(ROOT / "data" / "nlu")]
        )
        self.data = importer.get_nlu_data("en")
        self.spacy.process_training_data(self.data, self.model)
        self.tokenizer.process_training_data(self.data)
        # all of the data through the featurizers, each way
        self.featurizers = {way: self._featurizers(way, "full") for way in WAYS}
        self.features = {way: self._featurize(self.data, self.featurizers[way]) for way in WAYS}
        # a small model each way: the featurizers and the classifier trained on a slice
        sliced = TrainingData(
            [Message(data=dict(m.data)) for m in self.data.intent_examples[::SLICE]]
        )
        [classifier_entry] = [e for e in entries if e["name"] == CLASSIFIER]
        self.small: dict[str, list[Any]] = {}
        self.rows: dict[str, Any] = {}
        for way in WAYS:
            featurizers = self._featurizers(way, "small")
            self._featurize(sliced, featurizers)
            self.rows[way] = fast_intent_classifier._ORIGINAL_CREATE_X(None, sliced.intent_examples)
            classifier = self.components.make(
                MergedColumnsLogisticRegressionClassifier,
                options(classifier_entry),
                f"classifier_{way}",
            )
            classifier.train(sliced)  # Rasa's own training, as `rasa train` runs it
            self.small[way] = [*featurizers, classifier]

    def _featurizers(self, way: str, size: str) -> list[Any]:
        """config.yml's featurizers ("after"), or Rasa's with the options it had ("before")."""
        if way == "before":
            configured = [
                ("CountVectorsFeaturizer", CountVectorsFeaturizer, o) for o in RASA_OPTIONS
            ]
        else:
            configured = [
                (NAME, SentenceCountVectorsFeaturizer, unscaled(e))
                for e in pipeline()
                if e["name"] == NAME
            ]
        return [
            self.components.make(cls, config, f"run_{name}{i}_{size}")
            for i, (name, cls, config) in enumerate(configured, start=2)
        ]

    @staticmethod
    def _featurize(data: TrainingData, featurizers: list[Any]) -> list[list[Any]]:
        """As Rasa's training graph: each featurizer trained, then featurizes for the next."""
        for message in data.training_examples:
            message.features = []
        for featurizer in featurizers:
            featurizer.train(data)
            featurizer.process_training_data(data)
        return [list(m.features) for m in data.training_examples]

    def use(self, way: str) -> None:
        """Gives the training examples the features one way made."""
        for message, features in zip(self.data.training_examples, self.features[way], strict=True):
            message.features = list(features)

    def parse(self, components: list[Any], texts: list[str]) -> list[Message]:
        """New messages through SpacyNLP, the tokenizer, and then `components`, as Rasa runs."""
        messages = [Message(data={TEXT: text}) for text in texts]
        self.spacy.process(messages, self.model)
        self.tokenizer.process(messages)
        for component in components:
            component.process(messages)
        return messages


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    return Trained(tmp_path_factory.mktemp("model-storage"))


def sample_texts() -> list[str]:
    texts = sorted(training_texts())
    step = max(1, len(texts) // SAMPLE)
    return texts[::step][:SAMPLE] + ["zzzqx unknownword 0808 2000 247"]


def of(features: list[Any], attribute: str, kind: str) -> list[Any]:
    return [f for f in features if f.attribute == attribute and f.type == kind]


def assert_same_matrix(got: Any, want: Any) -> None:
    assert type(got) is type(want) and got.shape == want.shape and got.dtype == want.dtype
    for a, b in ((got.row, want.row), (got.col, want.col), (got.data, want.data)):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    # the same attributes SciPy's constructor sets, and they pass SciPy's own checks
    assert set(vars(got)) == set(vars(want))
    assert got.has_canonical_format == want.has_canonical_format
    got._check()


def assert_same_rows(got: Any, want: Any) -> None:
    got, want = got.tocsr(), want.tocsr()
    assert got.shape == want.shape and got.dtype == want.dtype
    for a, b in ((got.indptr, want.indptr), (got.indices, want.indices), (got.data, want.data)):
        assert np.array_equal(a, b)


def test_config_uses_it_with_rasas_options_in_both_configs():
    for config in ("config.yml", "config_nlu_testing.yml"):
        entries = pipeline(config)
        assert not [e for e in entries if e["name"] == "CountVectorsFeaturizer"]
        featurizers = [e for e in entries if e["name"] == NAME]
        assert [unscaled(e) for e in featurizers] == RASA_OPTIONS
        assert {e.get("row_length") for e in featurizers} == {ROW_LENGTH}
    registered = DefaultV1Recipe._from_registry(NAME)
    assert registered.clazz is SentenceCountVectorsFeaturizer
    assert registered.types == {DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER}
    assert registered.is_trainable
    assert SentenceCountVectorsFeaturizer.get_default_config() == {
        **CountVectorsFeaturizer.get_default_config(),
        "row_length": None,  # unscaled unless configured
    }


def test_the_vocabulary_is_rasas(trained):
    for before, after in zip(*trained.featurizers.values(), strict=True):
        assert after._collect_vectorizer_vocabularies() == before._collect_vectorizer_vocabularies()
        assert after.OOV_words == before.OOV_words and after.OOV_token == before.OOV_token
    assert len(trained.featurizers["after"][0].vectorizers[TEXT].vocabulary_) > 1000


def test_training_features_are_rasas_without_the_texts_sequence_features(trained):
    messages = trained.data.training_examples
    for message, before, after in zip(
        messages, trained.features["before"], trained.features["after"], strict=True
    ):
        assert not of(after, TEXT, FEATURE_TYPE_SEQUENCE)
        if message.get(TEXT):
            assert len(of(before, TEXT, FEATURE_TYPE_SEQUENCE)) == 2  # Rasa's, thrown away
        got, want = of(after, TEXT, FEATURE_TYPE_SENTENCE), of(before, TEXT, FEATURE_TYPE_SENTENCE)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert_same_matrix(g.features, w.features)
        # other attributes (intent names of the examples...): Rasa's features, as they were
        others = [(f.attribute, f.type) for f in before if f.attribute != TEXT]
        assert [(f.attribute, f.type) for f in after if f.attribute != TEXT] == others
        for g, w in zip(
            [f for f in after if f.attribute != TEXT],
            [f for f in before if f.attribute != TEXT],
            strict=True,
        ):
            assert_same_matrix(g.features, w.features)
    assert sum(bool(m.get(TEXT)) for m in messages) > 4000


def test_the_classifiers_rows_are_rasas(trained):
    """Rasa's `_create_X` and bot/fast_intent_classifier.py's give the same rows as before."""
    sample = trained.data.intent_examples[::37]
    rows = {}
    for way in WAYS:
        trained.use(way)
        rows[way, "rasa"] = fast_intent_classifier._ORIGINAL_CREATE_X(None, sample).tocsr()
        rows[way, "fast"] = fast_intent_classifier._create_X(None, sample).tocsr()
    for got in rows.values():
        assert_same_rows(got, rows["before", "rasa"])
    assert_same_rows(trained.rows["after"], trained.rows["before"])  # the small models' rows


def test_the_small_model_is_trained_the_same(trained):
    before, after = trained.small["before"][-1].clf, trained.small["after"][-1].clf
    assert list(after.classes_) == list(before.classes_)
    assert len(after.classes_) > 40  # every intent is in the slice
    assert np.array_equal(after.coef_, before.coef_)
    assert np.array_equal(after.intercept_, before.intercept_)


def test_new_messages_get_rasas_sentence_features(trained):
    texts = sample_texts() + ["", "?!", "..."]
    # the featurizers trained on all of the data
    before, after = (trained.parse(trained.featurizers[way], texts) for way in WAYS)
    for text, b, a in zip(texts, before, after, strict=True):
        assert not of(a.features, TEXT, FEATURE_TYPE_SEQUENCE)
        got = of(a.features, TEXT, FEATURE_TYPE_SENTENCE)
        want = of(b.features, TEXT, FEATURE_TYPE_SENTENCE)
        assert len(got) == len(want) == (2 if text else 0), text  # no tokens, no features
        for g, w in zip(got, want, strict=True):
            assert_same_matrix(g.features, w.features)
        assert len(of(b.features, TEXT, FEATURE_TYPE_SEQUENCE)) == len(want)  # Rasa's, unused


def test_the_intent_ranking_is_the_same(trained):
    texts = sample_texts()
    assert len(texts) >= SAMPLE
    before, after = (trained.parse(trained.small[way], texts) for way in WAYS)
    assert_same_rows(
        fast_intent_classifier._create_X(None, after),
        fast_intent_classifier._ORIGINAL_CREATE_X(None, before),
    )
    for b, a in zip(before, after, strict=True):
        assert a.get("intent")["name"] == b.get("intent")["name"]
        ranked_after, ranked_before = a.get("intent_ranking"), b.get("intent_ranking")
        assert [r["name"] for r in ranked_after] == [r["name"] for r in ranked_before]
        for ra, rb in zip(ranked_after, ranked_before, strict=True):
            assert ra["confidence"] == pytest.approx(rb["confidence"], abs=1e-9, rel=0)


def test_a_saved_featurizer_loads_and_featurizes_the_same(trained):
    """At inference Rasa loads the featurizer from the model: vocabularies.json, oov_words."""
    fresh = [Message(data={TEXT: text}) for text in sample_texts()[:40]]
    trained.spacy.process(fresh, trained.model)
    trained.tokenizer.process(fresh)
    loaded_messages, trained_messages = copy.deepcopy(fresh), copy.deepcopy(fresh)
    for featurizer in trained.featurizers["after"]:
        loaded = trained.components.make(
            SentenceCountVectorsFeaturizer,
            featurizer._config,
            featurizer._resource.name,
            load=True,
        )
        assert isinstance(loaded, SentenceCountVectorsFeaturizer)
        assert loaded._collect_vectorizer_vocabularies() == (
            featurizer._collect_vectorizer_vocabularies()
        )
        loaded.process(loaded_messages)
        featurizer.process(trained_messages)
    for got, want in zip(loaded_messages, trained_messages, strict=True):
        assert [(f.attribute, f.type) for f in got.features] == [
            (f.attribute, f.type) for f in want.features
        ]
        assert len(got.features) == 2
        for g, w in zip(got.features, want.features, strict=True):
            assert scipy.sparse.issparse(g.features)
            assert_same_matrix(g.features, w.features)


def test_row_length_scales_rasas_counts_to_that_length(trained):
    """With `row_length`, each sentence row is Rasa's counts scaled to that Euclidean length,
    in training (`process_training_data` runs `process`) and for new messages alike."""
    texts = sample_texts()
    unscaled_messages = trained.parse(trained.featurizers["before"], texts)
    scaled_featurizers = [
        trained.components.make(
            SentenceCountVectorsFeaturizer,
            {**featurizer._config, "row_length": ROW_LENGTH},
            featurizer._resource.name,
            load=True,
        )
        for featurizer in trained.featurizers["after"]
    ]
    scaled_messages = trained.parse(scaled_featurizers, texts)
    compared = 0
    for scaled, counted in zip(scaled_messages, unscaled_messages, strict=True):
        got = of(scaled.features, TEXT, FEATURE_TYPE_SENTENCE)
        want = of(counted.features, TEXT, FEATURE_TYPE_SENTENCE)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            g, w = g.features, w.features
            assert np.array_equal(g.col, w.col) and np.array_equal(g.row, w.row)
            if w.nnz:
                counts = w.data.astype(np.float64)
                expected = counts * ROW_LENGTH / np.linalg.norm(counts)
                assert g.data == pytest.approx(expected, rel=1e-12)
                assert np.linalg.norm(g.data) == pytest.approx(ROW_LENGTH)
                compared += 1
    assert compared > SAMPLE  # both featurizers, nearly every text (the unknown one has chars)


def test_rows_are_made_without_scipys_checks_on_the_pinned_scipy():
    """The direct row is in use (SciPy 1.10's attributes), and it is told apart from SciPy's
    when it is not the same matrix."""
    from bot import sentence_count_vectors as module

    assert module.one_row_coo is module._direct_one_row_coo
    data, columns = np.array([1.0, 3.0, 2.0]), np.array([0, 4, 9], dtype=np.int32)
    assert_same_matrix(
        module.one_row_coo(data, columns, 12), module._scipys_one_row_coo(data, columns, 12)
    )
    assert_same_matrix(
        module.one_row_coo(data[:0], columns[:0], 12),
        module._scipys_one_row_coo(data[:0], columns[:0], 12),
    )

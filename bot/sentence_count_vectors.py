"""NLU component: Rasa's CountVectorsFeaturizer without the per-token features nobody reads.

Why: for each message and each of config.yml's two count-vector featurizers, Rasa 3.6's
CountVectorsFeaturizer runs scikit-learn's vectorizer twice: once on the list of tokens, for
the per-token "sequence" features, and once on the tokens joined into one text, for the
"sentence" features. 10-11% of the Rasa process's samples under load were there (py-spy at
50 concurrent conversations, docs/benchmarks.md). The only reader of these features in
config.yml is LogisticRegressionClassifier, and it reads the sentence features alone
(`_create_X`: `get_sparse_features(TEXT)[1]`, and the same in bot/fast_intent_classifier.py);
SpacyTokenizer runs before, PatternEntities reads the spaCy doc, FallbackClassifier the
intent ranking. So the sequence features of the text were computed and thrown away (and,
in Rasa's own `_create_X`, deep-copied and joined first).

What: `SentenceCountVectorsFeaturizer` is CountVectorsFeaturizer (the same options, the same
training, so the same vocabulary, saved and loaded the same way) except in `process`, which
also serves `process_training_data`: for the TEXT attribute it adds only the sentence
features, built exactly as Rasa builds them (`transform` of the processed tokens joined by
spaces, indices sorted, as COO). Other attributes (the intent and action names of training
examples) keep Rasa's own features. The classifier's rows, its training and its answers are
the same as with Rasa's featurizer (tests/bot/test_sentence_count_vectors.py: the same
sentence matrices, no sequence features, the same intent ranking from a model trained each
way). Registered as a message featurizer; config.yml names it in place of
CountVectorsFeaturizer. A pipeline that adds DIET, TED, a response selector or a CRF
extractor needs the sequence features and must use CountVectorsFeaturizer again.

One option of its own, `row_length` (default None: Rasa's counts, as above): each sentence
row is scaled to that Euclidean length. With raw counts a long message (a forum-style
account of what a partner does) has far larger rows than a short one, so the classifier's
scores for it are extreme and its fit leans on the longest examples; on unit rows every
message weighs the same. The length then sets how closely the logistic regression fits
(rows of length L with C = 1 are the same problem as unit rows with C = L**2). config.yml
uses 17, chosen on the development set and in cross-validation (docs/nlu-evaluation.md).

Measured with the vocabularies of models/vawg.tar.gz (timeit of `process` on 40 training
texts, best of 5 on a shared 2-core machine, per message; before -> after): word n-grams
0.22 -> 0.11 ms, character n-grams 0.27 -> 0.14 ms, both together 0.50 -> 0.25 ms. Counting
the row directly instead of through scikit-learn's `transform` (`_sentence_features`) then
took the sentence features from 91 to 38 us (words) and 113 to 71 us (characters). A model
trained with it has the same vocabularies and bit-for-bit the same classifier weights as
one trained with CountVectorsFeaturizer, and parses 300 training texts identically.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import fast_training_fingerprints  # noqa: F401  # training's cache fingerprints

logger = logging.getLogger(__name__)

if TEXT not in DENSE_FEATURIZABLE_ATTRIBUTES:  # where Rasa makes the text's sentence features
    raise RuntimeError("Rasa no longer makes sentence features for the text: check its version")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer that gives the text sentence features only (no sequence)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's options, and `row_length` (None: Rasa's raw counts)."""
        return {**CountVectorsFeaturizer.get_default_config(), "row_length": None}

    def process(self, messages: list[Message]) -> list[Message]:
        """As CountVectorsFeaturizer.process in Rasa 3.6, without the text's sequence features."""
        if self.vectorizers is None:
            logger.error(
                "There is no trained CountVectorizer: "
                "component is either not trained or "
                "didn't receive enough training data"
            )
            return messages

        for message in messages:
            for attribute in self._attributes:
                tokens = self._get_processed_message_tokens_by_attribute(message, attribute)
                if attribute == TEXT:
                    sentence = self._sentence_features(attribute, tokens)
                    self.add_features_to_message(None, sentence, attribute, message)
                else:
                    sequence_features, sentence_features = self._create_features(
                        attribute, [tokens]
                    )
                    self.add_features_to_message(
                        sequence_features[0], sentence_features[0], attribute, message
                    )
        return messages

    def _sentence_features(
        self, attribute: str, tokens: list[str]
    ) -> scipy.sparse.coo_matrix | None:
        """The sentence half of Rasa's `_create_features` for one message's tokens.

        Rasa asks scikit-learn's `transform` for a one-row matrix, sorts its indices and
        turns it into COO. For one short text most of that is scikit-learn's and SciPy's
        generic overhead, so the row is counted here as `CountVectorizer._count_vocab` (1.1)
        counts it (the same analyzer, the vocabulary's columns, out-of-vocabulary n-grams
        left out, `binary` as configured) and made as the COO matrix Rasa made: columns in
        order, int32 indices, the vectorizer's dtype (tests/bot/test_sentence_count_vectors.py
        compares them on every training example). With `row_length` set, the counts are then
        scaled to that length (floats).
        """
        vectorizer: Any = self.vectorizers.get(attribute)
        if not vectorizer or not tokens:
            return None
        analyze, vocabulary = self._analyzer(vectorizer)
        counts: dict[int, int] = {}
        for ngram in analyze(" ".join(tokens)):
            column = vocabulary.get(ngram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = sorted(counts)
        data = np.array([counts[c] for c in columns], dtype=vectorizer.dtype)
        if vectorizer.binary:
            data.fill(1)
        row_length = self._config.get("row_length")
        if row_length and len(data):
            data = data * (row_length / np.sqrt(np.dot(data, data)))
        return one_row_coo(data, np.array(columns, dtype=np.int32), len(vocabulary))

    def _analyzer(self, vectorizer: Any) -> tuple[Any, dict[str, int]]:
        """The vectorizer's analyzer and vocabulary, made once per vectorizer."""
        kept = self.__dict__.setdefault("_analyzers", {})  # by the vectorizer itself
        found = kept.get(vectorizer)
        if found is None:
            found = kept[vectorizer] = (vectorizer.build_analyzer(), vectorizer.vocabulary_)
        return found


def _scipys_one_row_coo(data: np.ndarray, columns: np.ndarray, width: int) -> Any:
    rows = np.zeros(len(columns), dtype=np.int32)
    return scipy.sparse.coo_matrix((data, (rows, columns)), shape=(1, width))


def _direct_one_row_coo(data: np.ndarray, columns: np.ndarray, width: int) -> Any:
    """The matrix SciPy's constructor makes from these arrays, without its checks.

    Why: for a row whose arrays are made right here (int32 columns in order, within the
    width), SciPy's constructor spends 70 us checking and converting them (AMD EPYC,
    2026-12-08), about 4% of the Rasa process's samples at 50 concurrent conversations: two
    rows per message, one per featurizer. The attributes set are those its constructor sets
    (checked against it once, at import, below).
    """
    matrix = object.__new__(scipy.sparse.coo_matrix)
    matrix.__dict__.update(
        _shape=(1, width),
        maxprint=_MAXPRINT,
        row=np.zeros(len(columns), dtype=np.int32),
        col=columns,
        data=data,
        has_canonical_format=False,
    )
    return matrix


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def _direct_matches_scipy() -> bool:
    """Whether the direct row has exactly the attributes and values SciPy's has (a SciPy
    release that adds or renames one would make it differ: then SciPy's constructor is used)."""
    data, columns = np.array([1.0, 2.0]), np.array([1, 3], dtype=np.int32)
    want, got = _scipys_one_row_coo(data, columns, 5), _direct_one_row_coo(data, columns, 5)
    try:
        got._check()
    except Exception:  # noqa: BLE001  # any failure means: do not use it
        return False
    wanted, made = vars(want), vars(got)
    return wanted.keys() == made.keys() and all(_same_value(wanted[k], made[k]) for k in wanted)


_MAXPRINT = scipy.sparse.coo_matrix((1, 1)).maxprint
one_row_coo = _direct_one_row_coo if _direct_matches_scipy() else _scipys_one_row_coo

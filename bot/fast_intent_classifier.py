"""The intent classifier's weights kept in the memory layout its prediction reads.

Why: config.yml's LogisticRegressionClassifier predicts with scikit-learn's
`X @ coef_.T` (X sparse, one row per message). SciPy's sparse product needs the dense
operand as one C-ordered block and calls `.ravel()` on it; `coef_` is stored C-ordered, so
`coef_.T` is not, and every message copied the whole weight matrix (44 intents x 24,637
n-gram features, 8.7 MB): 3.0 ms of CPU per message. With `coef_` kept in Fortran order,
`coef_.T` is C-ordered already, `.ravel()` is a view, and `predict_proba` takes 0.04 ms.

What: `install()` wraps the classifier's `process` so that, on its first call, the weights
are copied once into Fortran order. The numbers are the same numbers, and the product reads
them in the same order, so the probabilities are bit-for-bit the ones Rasa computed before
(tests/bot/test_fast_intent_classifier.py checks it on the trained model). Nothing is
retrained and nothing on disk changes.

Second, the message's row of features. Rasa's `_create_X` asks the message for its combined
sparse features, which joins both the sentence features it uses and the per-token sequence
features it throws away (each deep-copied first): 11.7% of the Rasa process's samples under
load against 3% for the prediction itself (py-spy, docs/benchmarks.md), most of it scipy's
overhead for one-row matrices. `_create_X` here
writes the row from the sentence features alone, in the same order, so the matrix is entry
for entry the one Rasa built. Messages with dense features (none in config.yml) go to Rasa's
own `_create_X`.

Third, the prediction for one message (what serving asks for). scikit-learn's
`predict_proba` validates the matrix, multiplies it through SciPy's generic sparse product and
normalises: 4.6% of the Rasa process's samples under load, with building the one-row CSR
matrix another 2.4% (py-spy at 50 concurrent conversations, 2026-12-07), for a row of a few
hundred entries. `_process` reads that row's columns and values and scores each intent as
the weights of those columns times the values plus the intercept (a gather from the
Fortran-ordered weights), then takes scikit-learn's own softmax, the multinomial branch its
`predict_proba` takes for this classifier. The sums are the same sums in another order, so
a probability can differ from scikit-learn's in the last bits (tests compare to 1e-9 and
the ranking by name). Several messages at once (training's own pass over its data), a
one-vs-rest or binary classifier, or dense features go to Rasa's own `process`.

Installed when the config's classifier (bot/merged_columns_classifier.py) is imported, so
training builds its matrix this way too, and `rasa run` and the NLU evaluation predict with it.
"""

from __future__ import annotations

from typing import Any, List  # noqa: UP035  # Rasa's graph validation compares these types

import numpy as np
import scipy.sparse
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import softmax

_ORIGINAL = LogisticRegressionClassifier.process
_ORIGINAL_CREATE_X = LogisticRegressionClassifier._create_X


def prepare(classifier: Any) -> None:
    """Keeps a fitted scikit-learn linear model's `coef_` in Fortran order (once)."""
    coef = getattr(classifier, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.ndim == 2 and not coef.flags.f_contiguous:
        classifier.coef_ = np.asfortranarray(coef)


# Annotated as Rasa's own `process`, and `self` not at all: the classifier's `process` is
# validated when a model is trained, where an annotated parameter is an input the node needs
# and the types must be the ones the next component expects
def _process(self, messages: List[Message]) -> List[Message]:  # type: ignore[no-untyped-def]  # noqa: UP006
    clf = getattr(self, "clf", None)
    prepare(clf)
    if len(messages) != 1 or not _multinomial(clf):
        return _ORIGINAL(self, messages)
    row = _sentence_row(messages[0])
    if row is None or row[2] != clf.coef_.shape[1]:
        return _ORIGINAL(self, messages)
    columns, values, _ = row
    scores = clf.coef_[:, columns] @ values + clf.intercept_
    probabilities = softmax(scores.reshape(1, -1), copy=False)[0]
    # from here as Rasa 3.6's `process` for one message
    ranking = [
        {"name": name, "confidence": p} for name, p in zip(clf.classes_, probabilities, strict=True)
    ]
    ranking = sorted(ranking, key=lambda e: -e["confidence"])
    intent = ranking[0]
    if self.config[RANKING_LENGTH] > 0:
        ranking = ranking[: self.config[RANKING_LENGTH]]
    messages[0].set("intent", intent, add_to_output=True)
    messages[0].set("intent_ranking", ranking, add_to_output=True)
    return messages


def _multinomial(clf: Any) -> bool:
    """Whether scikit-learn's `predict_proba` takes the softmax branch for this classifier."""
    return (
        isinstance(clf, LogisticRegression)
        and clf.multi_class in ("auto", "multinomial")
        and clf.solver != "liblinear"
        and len(getattr(clf, "classes_", ())) > 2
        and getattr(getattr(clf, "coef_", None), "ndim", 0) == 2
    )


def _sentence_row(message: Any) -> tuple[np.ndarray, np.ndarray, int] | None:
    """A message's text sentence features side by side: (columns, values as float64, width);
    None when there are none or any is dense (Rasa's `_create_X` decides then)."""
    sentence = [
        f.features
        for f in message.features
        if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE
    ]
    if not sentence or not all(scipy.sparse.issparse(block) for block in sentence):
        return None
    data, columns, offset = [], [], 0
    for block in sentence:
        block = block.tocoo()
        data.append(block.data)
        columns.append(block.col + offset)
        offset += block.shape[1]
    return np.concatenate(columns), np.concatenate(data).astype(np.float64), offset


def _create_X(self: LogisticRegressionClassifier, messages: list[Any]) -> Any:
    """As Rasa 3.6's `_create_X` for sparse-only features, without the sequence features.

    Rasa stacks each message's sentence features side by side (scipy `hstack`), adds an
    empty dense block, and stacks the rows. Here the CSR arrays are written directly: each
    block's entries in its own order, its columns shifted by the widths before it, values
    as float64 (what the empty dense block made them). tests/bot/test_fast_intent_classifier.py
    checks the result is entry for entry Rasa's.
    """
    data, columns, row_ends, width = [], [], [0], None
    for message in messages:
        row = _sentence_row(message)
        if row is None or width not in (None, row[2]):
            return _ORIGINAL_CREATE_X(self, messages)
        columns.append(row[0])
        data.append(row[1])
        width = row[2]
        row_ends.append(row_ends[-1] + len(row[0]))
    return scipy.sparse.csr_matrix(
        (
            np.concatenate(data),
            np.concatenate(columns).astype(np.int32),
            np.array(row_ends, dtype=np.int32),
        ),
        shape=(len(messages), width),
    )


def install() -> None:
    """Idempotent: wraps LogisticRegressionClassifier.process once per process."""
    LogisticRegressionClassifier.process = _process  # type: ignore[method-assign]
    LogisticRegressionClassifier._create_X = _create_X  # type: ignore[method-assign]


def installed() -> bool:
    return (
        LogisticRegressionClassifier.process is _process
        and LogisticRegressionClassifier._create_X is _create_X
    )


install()

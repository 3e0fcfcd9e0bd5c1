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

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

_ORIGINAL = LogisticRegressionClassifier.process


def prepare(classifier: Any) -> None:
    """Keeps a fitted scikit-learn linear model's `coef_` in Fortran order (once)."""
    coef = getattr(classifier, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.ndim == 2 and not coef.flags.f_contiguous:
        classifier.coef_ = np.asfortranarray(coef)


def _process(self: LogisticRegressionClassifier, messages: list[Any]) -> list[Any]:
    prepare(getattr(self, "clf", None))
    return _ORIGINAL(self, messages)


def install() -> None:
    """Idempotent: wraps LogisticRegressionClassifier.process once per process."""
    LogisticRegressionClassifier.process = _process  # type: ignore[method-assign]


def installed() -> bool:
    return LogisticRegressionClassifier.process is _process


install()

"""NLU component: Rasa's LogisticRegressionClassifier, fitted on each distinct feature column once.

Why: the fit was most of a training. The classifier has a weight for each of 44 intents and
each of about 47,500 word and character n-gram columns: 2.1 million weights. On a slow 2-core
machine the fit took 50 s of scikit-learn time (74 s inside a 144 s `rasa train`), and half of
it was scipy's L-BFGS-B bookkeeping, whose cost grows with the number of weights, not with
the data. But 53% of the columns repeat another column exactly: a rare word gives a dozen
character n-grams that occur in the same examples with the same counts.

What: `train` fits the same scikit-learn LogisticRegression (Rasa's options, class weights,
100 iterations) on one column for each group of identical columns, scaled by the square root
of the group's size, and then gives each original column its group's weight divided by that
square root. This is the same problem: k equal columns with weights w_i score x * sum(w_i) at
a penalty of sum(w_i ** 2); the merged column scores x * sqrt(k) * v at a penalty of v ** 2,
and v = sum(w_i) / sqrt(k) when the w_i are equal, which they are at every step from the
zero start (they get equal gradients). L-BFGS works through inner products only, so it takes
the same steps either way, and the weights agree with an unmerged fit to rounding
(tests/bot/test_merged_columns_classifier.py). Prediction, saving and loading are Rasa's: the
saved classifier has a weight for every column, as before.

Measured on the training data of 2026-11-27 (6,973 examples, 47,516 columns -> 22,420): fit
48.7 -> 29.0 s, the largest difference in a probability on the development set 2e-5, and
the same top intent for every item.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData

# imported for its effect: the classifier's rows built from the sentence features directly,
# and its weights kept in the layout prediction reads. Here, because every process that loads
# config.yml imports this component: training (Rasa's own training matrix deep-copied every
# message's features: 13.7 of 136 s under cProfile), serving and the NLU evaluation
from bot import fast_intent_classifier, fast_skops_module_search  # noqa: F401


def merge_identical_columns(X: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """(X with each distinct column once, scaled by sqrt of its count; each column's group;
    the size of each group). Groups are numbered in order of their first column."""
    columns = scipy.sparse.csc_matrix(X, dtype=np.float64)
    columns.sort_indices()
    group_of_key: dict[tuple[bytes, bytes], int] = {}
    group_of = np.empty(columns.shape[1], dtype=np.int64)
    for j in range(columns.shape[1]):
        start, end = columns.indptr[j], columns.indptr[j + 1]
        key = (columns.indices[start:end].tobytes(), columns.data[start:end].tobytes())
        group_of[j] = group_of_key.setdefault(key, len(group_of_key))
    sizes = np.bincount(group_of).astype(np.float64)
    firsts = np.unique(group_of, return_index=True)[1]  # each group's first column
    merged = (columns[:, firsts] @ scipy.sparse.diags(np.sqrt(sizes))).tocsr()
    return merged, group_of, sizes


def fit_merged(classifier: Any, X: Any, y: list[str]) -> Any:
    """Fits a scikit-learn linear classifier as on X, through X's distinct columns."""
    merged, group_of, sizes = merge_identical_columns(X)
    classifier.fit(merged, y)
    weights = classifier.coef_[:, group_of] / np.sqrt(sizes)[group_of]
    classifier.coef_ = np.ascontiguousarray(weights)
    classifier.n_features_in_ = X.shape[1]
    return classifier


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MergedColumnsLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier whose `train` fits through the distinct columns."""

    def train(self, training_data: TrainingData) -> Resource:
        X, y = self._create_training_matrix(training_data)
        if X.shape[0] == 0:
            return super().train(training_data)  # Rasa logs and skips the empty case
        fit_merged(self.clf, X, y)
        self.persist()
        return self._resource

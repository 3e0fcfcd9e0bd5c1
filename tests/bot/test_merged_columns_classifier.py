"""The intent classifier fitted through its distinct columns (bot/merged_columns_classifier.py):
the same weights as a fit on every column, to rounding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse
import yaml
from scipy.sparse import random as sparse_random
from sklearn.linear_model import LogisticRegression

from bot.merged_columns_classifier import fit_merged, merge_identical_columns

ROOT = Path(__file__).resolve().parents[2]
NAME = "bot.merged_columns_classifier.MergedColumnsLogisticRegressionClassifier"


def with_repeated_columns(seed: int) -> scipy.sparse.csr_matrix:
    """Rows of n-gram-like features where many columns repeat others, in a shuffled order."""
    rng = np.random.default_rng(seed)
    distinct = sparse_random(400, 150, density=0.04, format="csc", random_state=seed)
    repeats = rng.integers(1, 6, size=150)  # each column 1 to 5 times
    order = rng.permutation(int(repeats.sum()))
    columns = np.repeat(np.arange(150), repeats)[order]
    return distinct[:, columns].tocsr()


def classifier() -> LogisticRegression:
    """Rasa's LogisticRegressionClassifier options, with config.yml's iterations."""
    return LogisticRegression(
        solver="lbfgs", max_iter=100, class_weight="balanced", tol=1e-4, random_state=42
    )


def test_identical_columns_are_merged_with_their_count():
    X = scipy.sparse.csr_matrix(np.array([[1.0, 0, 1, 2, 1], [0, 3, 0, 0, 0], [2, 0, 2, 4, 2]]))
    merged, group_of, sizes = merge_identical_columns(X)
    assert group_of.tolist() == [0, 1, 0, 2, 0]
    assert sizes.tolist() == [3, 1, 1]
    # a multiple of a column is a different column: only exact repeats are merged
    assert np.allclose(merged.toarray(), [[np.sqrt(3), 0, 2], [0, 3, 0], [2 * np.sqrt(3), 0, 4]])


def test_the_weights_and_probabilities_are_those_of_a_fit_on_every_column():
    X = with_repeated_columns(seed=3)
    y = np.random.default_rng(4).integers(0, 9, size=X.shape[0]).astype(str)
    assert merge_identical_columns(X)[0].shape[1] == 150 < X.shape[1]

    every_column = classifier().fit(X, y)
    merged = fit_merged(classifier(), X, y)

    assert merged.coef_.shape == every_column.coef_.shape
    assert merged.n_features_in_ == X.shape[1]
    assert merged.coef_.flags.c_contiguous
    assert np.allclose(merged.coef_, every_column.coef_, atol=1e-5)
    assert np.allclose(merged.intercept_, every_column.intercept_, atol=1e-5)
    questions = with_repeated_columns(seed=3)[::7]
    assert np.allclose(
        merged.predict_proba(questions), every_column.predict_proba(questions), atol=1e-5
    )


def test_both_configurations_fit_the_classifier_this_way():
    for config in ("config.yml", "config_nlu_testing.yml"):
        pipeline = yaml.safe_load((ROOT / config).read_text())["pipeline"]
        names = [entry["name"] for entry in pipeline]
        assert NAME in names, config
        assert "LogisticRegressionClassifier" not in names, config

"""Sparse features fingerprinted from their arrays (bot/fast_feature_fingerprint.py):
installed by the config's featurizer, equal for equal features, changed by any change."""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features

import bot.sentence_count_vectors  # noqa: F401  # installs it, as loading config.yml does
from bot import fast_feature_fingerprint


def coo(values, columns, width=10, dtype=np.float64):
    rows = np.zeros(len(columns), dtype=np.int32)
    return scipy.sparse.coo_matrix(
        (np.array(values, dtype=dtype), (rows, np.array(columns, dtype=np.int32))),
        shape=(1, width),
    )


def fingerprint(matrix, type_="sentence", attribute="text", origin="cvf"):
    return Features(matrix, type_, attribute, origin).fingerprint()


def test_the_featurizer_installs_it():
    assert fast_feature_fingerprint.installed()
    fast_feature_fingerprint.install()
    assert fast_feature_fingerprint.installed()


def test_equal_features_give_equal_fingerprints():
    assert fingerprint(coo([1.0, 2.0], [3, 7])) == fingerprint(coo([1.0, 2.0], [3, 7]))


def test_any_change_changes_the_fingerprint():
    base = fingerprint(coo([1.0, 2.0], [3, 7]))
    changed = [
        fingerprint(coo([1.0, 2.5], [3, 7])),  # a value
        fingerprint(coo([1.0, 2.0], [3, 8])),  # a position
        fingerprint(coo([1.0, 2.0], [3, 7], width=11)),  # the shape
        fingerprint(coo([1.0, 2.0], [3, 7], dtype=np.float32)),  # the type of the values
        fingerprint(coo([1.0], [3])),  # an entry fewer
        fingerprint(coo([1.0, 2.0], [3, 7]), type_="sequence"),
        fingerprint(coo([1.0, 2.0], [3, 7]), attribute="intent"),
        fingerprint(coo([1.0, 2.0], [3, 7]), origin="other"),
    ]
    assert base not in changed and len(set(changed)) == len(changed)


def test_a_combined_feature_is_fingerprinted_again():
    features = Features(coo([1.0], [3]), "sentence", "text", "a")
    before = features.fingerprint()
    features.combine_with_features(Features(coo([2.0], [4]), "sentence", "text", "b"))
    assert features.fingerprint() != before


def test_dense_and_other_sparse_formats_keep_rasas_fingerprint():
    dense = Features(np.ones((1, 4)), "sentence", "text", "x")
    csr = Features(coo([1.0, 2.0], [3, 7]).tocsr(), "sentence", "text", "x")
    for features in (dense, csr):
        assert features.fingerprint() == fast_feature_fingerprint._ORIGINAL(
            Features(features.features, "sentence", "text", "x")
        )

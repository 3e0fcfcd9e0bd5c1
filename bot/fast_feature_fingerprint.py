"""Training fingerprints a message's sparse features from their arrays, not from a text of them.

Why: after each node of a training, Rasa 3.6 fingerprints the node's output for its training
cache, and a message's fingerprint includes each of its features. For a sparse matrix Rasa
writes a line of text per stored value ("  (0, 4711)\t1.0") and hashes the text: 13,900
one-row matrices per node on the project's data. That text and its hash were about 5% of a
`rasa train` (py-spy, 2026-12-07: of 96 s, the sparse text 3.0% and the hashing of texts
2.8%, part of it these).

What: `install()` wraps `Features.fingerprint`: a sparse matrix in COO form (what the
project's featurizers and Rasa's own make) is hashed from its shape, its dtype and the bytes
of its row, column and value arrays, beside the feature's type, origin and attribute, as
Rasa's does. Equal features give equal fingerprints, and any change of a value, a position,
the shape or the type of the values changes it, which is all the cache needs. Dense
features and other sparse formats keep Rasa's fingerprint. The fingerprint is not part of
the trained model: only which cached outputs a later training can reuse depends on it (an
older cache's entries are simply not found once).

Installed when the count-vector featurizer config.yml names is imported
(bot/sentence_count_vectors.py), so `rasa train` has it; tested in
tests/bot/test_fast_feature_fingerprint.py.
"""

from __future__ import annotations

from hashlib import md5

import scipy.sparse
from rasa.shared.nlu.training_data.features import Features

_ORIGINAL = Features.fingerprint


def fingerprint(self: Features) -> str:
    """As Rasa's, from the arrays of a COO matrix."""
    matrix = self.features
    if self._cached_fingerprint is None and isinstance(matrix, scipy.sparse.coo_matrix):
        digest = md5(usedforsecurity=False)
        header = [self.type, str(self.origin), self.attribute, str(matrix.shape), matrix.dtype.str]
        digest.update("\n".join(header).encode())
        for array in (matrix.row, matrix.col, matrix.data):
            digest.update(array.dtype.str.encode())
            digest.update(array.tobytes())
        self._cached_fingerprint = digest.hexdigest()
    return _ORIGINAL(self)  # the kept fingerprint, or Rasa's own for any other matrix


def install() -> None:
    """Idempotent: patches Features.fingerprint once per process."""
    Features.fingerprint = fingerprint  # type: ignore[method-assign]


def installed() -> bool:
    return Features.fingerprint is fingerprint


install()

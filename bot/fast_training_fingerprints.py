"""Training fingerprints its messages, tokens and sparse features in one pass, not piece by piece.

Why: after each node of a training, Rasa 3.6 fingerprints the node's output for its training
cache. For the project's 13,900 examples that is, per node, every message with every token and
feature. Rasa hashes each piece on its own: every string, number and dictionary gets its own
JSON text and md5, and a sparse matrix is written as a line of text per stored value
("  (0, 4711)\t1.0") before it is hashed. On 2026-12-08 (py-spy, AMD EPYC) this fingerprinting
was 18.7% of a 98 s `rasa train`; the sparse text alone had been 3.7% the day before.

What `install()` patches:
- `Message.fingerprint` and `Token.fingerprint`: one md5 over one text of the whole content.
  Each string is written with its length, each list and dictionary between its own marks,
  and a dictionary's keys in sorted order, so different contents give different texts. Like
  Rasa's, anything else is written as `str()`, or as its own `fingerprint()` if it has one.
- `Features.fingerprint`: a sparse matrix in COO form (what the project's featurizers and
  Rasa's own make) is hashed from its shape, its dtype and the bytes of its row, column and
  value arrays, beside the feature's type, origin and attribute. Dense features and other
  sparse formats keep Rasa's fingerprint.

Equal contents give equal fingerprints, and any change of the content changes it, which is
all the cache (and a message's `==` and hash, which Rasa builds on the fingerprint) need. The
fingerprints are not part of the trained model: only which cached outputs a later training
can reuse depends on them (an older cache's entries are simply not found once).

Installed by bot/rasa_train.py, before Rasa reads the training data, and when the
count-vector featurizer config.yml names is imported (bot/sentence_count_vectors.py), so any
`rasa train` or `rasa test` has it; tested in
tests/bot/test_fast_training_fingerprints.py.
"""

from __future__ import annotations

from hashlib import md5
from typing import Any

import scipy.sparse
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

_RASA_FEATURES_FINGERPRINT = Features.fingerprint


def _write(value: Any, parts: list[str]) -> None:
    """Appends an unambiguous text of `value` to `parts`, as Rasa's fingerprint sees it."""
    kind = type(value)
    if kind is str:
        parts.append(f"s{len(value)}:")
        parts.append(value)
    elif kind is Token:  # inline: tokens are most of a message (a subclass keeps its own)
        parts.append("t")
        _write(_token_content(value), parts)
    elif isinstance(value, dict):
        parts.append("{")
        for key in sorted(value, key=str):
            _write(str(key), parts)
            _write(value[key], parts)
        parts.append("}")
    elif isinstance(value, list):
        parts.append("[")
        for item in value:
            _write(item, parts)
        parts.append("]")
    elif callable(getattr(value, "fingerprint", None)):
        parts.append("f")
        _write(value.fingerprint(), parts)
    else:
        _write(str(value), parts)


def content_fingerprint(value: Any) -> str:
    """md5 of the whole content of `value`, in one pass."""
    parts: list[str] = []
    _write(value, parts)
    return md5("".join(parts).encode(), usedforsecurity=False).hexdigest()


def message_fingerprint(self: Message) -> str:
    """As Rasa's: kept until the message changes (Rasa clears it on every change)."""
    if self._cached_fingerprint is None:
        self._cached_fingerprint = content_fingerprint([self.data, self.features])
    return self._cached_fingerprint


def _token_content(token: Token) -> list[Any]:
    """What Rasa's Token.fingerprint hashes."""
    return [token.text, token.start, token.end, token.lemma, token.data]


def token_fingerprint(self: Token) -> str:
    return content_fingerprint(_token_content(self))


def features_fingerprint(self: Features) -> str:
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
    return _RASA_FEATURES_FINGERPRINT(self)  # the kept fingerprint, or Rasa's own


def install() -> None:
    """Idempotent: patches the three fingerprints once per process."""
    Message.fingerprint = message_fingerprint  # type: ignore[method-assign]
    Token.fingerprint = token_fingerprint  # type: ignore[method-assign]
    Features.fingerprint = features_fingerprint  # type: ignore[method-assign]


def installed() -> bool:
    return (
        Message.fingerprint is message_fingerprint
        and Token.fingerprint is token_fingerprint
        and Features.fingerprint is features_fingerprint
    )


install()

"""Training's fingerprints in one pass (bot/fast_training_fingerprints.py): installed by the
config's featurizer, equal for equal contents, changed by any change, and telling messages
apart exactly as Rasa's own fingerprint does."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import deep_container_fingerprint

import bot.sentence_count_vectors  # noqa: F401  # installs it, as loading config.yml does
from bot import fast_training_fingerprints


def coo(values, columns, width=10, dtype=np.float64):
    rows = np.zeros(len(columns), dtype=np.int32)
    return scipy.sparse.coo_matrix(
        (np.array(values, dtype=dtype), (rows, np.array(columns, dtype=np.int32))),
        shape=(1, width),
    )


def fingerprint(matrix, type_="sentence", attribute="text", origin="cvf"):
    return Features(matrix, type_, attribute, origin).fingerprint()


def test_the_featurizer_installs_it():
    assert fast_training_fingerprints.installed()
    fast_training_fingerprints.install()
    assert fast_training_fingerprints.installed()


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
        assert features.fingerprint() == fast_training_fingerprints._RASA_FEATURES_FINGERPRINT(
            Features(features.features, "sentence", "text", "x")
        )


def message(text="he reads my texts", intent="ask_coercive_control", tokens=None, **data):
    built = Message(data={"text": text, "intent": intent, **data})
    if tokens is not None:
        built.set("text_tokens", tokens)
    return built


def tokens_of(text, **token_data):
    words, start, tokens = text.split(), 0, []
    for word in words:
        start = text.index(word, start)
        tokens.append(Token(word, start, data=dict(token_data)))
        start += len(word)
    return tokens


def rasas_message_fingerprint(built):
    """What Rasa 3.6's own Message.fingerprint computes (its Token.fingerprint inlined)."""

    def plain(value):
        if isinstance(value, Token):
            return [value.text, value.start, value.end, value.lemma, plain(value.data)]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return deep_container_fingerprint([plain(built.data), built.features])


def varied_messages():
    """Messages that differ in one thing each, and some that are equal."""
    features = Features(coo([1.0], [3]), "sentence", "text", "cvf")
    with_features = message()
    with_features.add_features(features)
    return [
        message(),
        message(),  # equal to the first
        message(text="he reads my text"),
        message(intent="ask_stalking"),
        message(intent=None),
        message(tokens=tokens_of("he reads my texts")),
        message(tokens=tokens_of("he reads my texts")),  # equal to the one before
        message(tokens=tokens_of("he  reads my texts")),  # a token moved
        message(tokens=tokens_of("he reads my texts", pos="VERB")),  # a token's data
        message(tokens=[Token("he", 0, lemma="him")]),  # a lemma
        message(entities=[{"entity": "borough", "value": "westminster", "start": 0, "end": 3}]),
        message(entities=[{"entity": "borough", "value": "kensington", "start": 0, "end": 3}]),
        message(metadata={"a": 1, "b": 2}),
        message(metadata={"b": 2, "a": 1}),  # the same dictionary, keys in another order
        message(metadata={"a": [1, 2]}),
        message(metadata={"a": [2, 1]}),  # a list is ordered
        message(metadata={"a": ["12"]}),
        message(metadata={"a": ["1", "2"]}),  # not the same as one joined string
        with_features,
    ]


def test_messages_are_equal_exactly_when_rasas_fingerprint_says_so():
    # Rasa's == and hash of a message are its fingerprint, and training de-duplicates examples
    # by them: the new fingerprint must draw the same lines between messages, no more, no fewer
    messages = varied_messages()
    for first, second in itertools.combinations(messages, 2):
        assert (first.fingerprint() == second.fingerprint()) == (
            rasas_message_fingerprint(first) == rasas_message_fingerprint(second)
        ), (first.data, second.data)
    assert len(TrainingData(messages).training_examples) == len(
        {rasas_message_fingerprint(built) for built in messages}
    )


def test_a_changed_message_is_fingerprinted_again():
    built = message(tokens=tokens_of("he reads my texts"))
    before = built.fingerprint()
    built.set("intent", "ask_stalking")
    after_intent = built.fingerprint()
    built.add_features(Features(coo([1.0], [3]), "sentence", "text", "cvf"))
    assert len({before, after_intent, built.fingerprint()}) == 3


def test_a_token_is_fingerprinted_from_its_content():
    assert Token("he", 0).fingerprint() == Token("he", 0).fingerprint()
    assert Token("he", 0).fingerprint() != Token("he", 1).fingerprint()
    assert Token("he", 0).fingerprint() != Token("he", 0, data={"pos": "PRON"}).fingerprint()

"""The intent classifier's weights in the layout its prediction reads
(bot/fast_intent_classifier.py): installed by the config's classifier, the same probabilities."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from scipy.sparse import random as sparse_random
from sklearn.linear_model import LogisticRegression

import bot.merged_columns_classifier  # noqa: F401  # installs it, as loading config.yml does
from bot import fast_intent_classifier
from tests.bot import trained_bot

MESSAGES = ["hello", "he's outside with a knife", "who can help me in westminster", "recipe"]
TEXTS = [
    "ok",
    "my ex keeps texting me 50 times a day, is that stalking?",
    "is it abuse if he checks my phone",
    "thanks x",
    "i think my sister's husband controls her money",
    "???",
    "what is fgm",
    "get me out of here",
]


def test_the_configs_classifier_installs_it():
    assert fast_intent_classifier.installed()
    fast_intent_classifier.install()
    assert LogisticRegressionClassifier.process.__module__ == "bot.fast_intent_classifier"


def test_the_probabilities_are_bit_for_bit_the_same():
    rng = np.random.default_rng(7)
    X = sparse_random(300, 2000, density=0.01, format="csr", random_state=7)
    y = rng.integers(0, 12, size=300)
    before = LogisticRegression(max_iter=200).fit(X, y)
    after = copy.deepcopy(before)
    fast_intent_classifier.prepare(after)
    assert not before.coef_.flags.f_contiguous and after.coef_.flags.f_contiguous
    assert after.coef_.T.flags.c_contiguous  # what scipy's sparse product needs: no copy
    questions = sparse_random(50, 2000, density=0.01, format="csr", random_state=8)
    assert np.array_equal(before.predict_proba(questions), after.predict_proba(questions))
    fast_intent_classifier.prepare(after)  # once is enough: a second call changes nothing
    assert after.coef_.flags.f_contiguous


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_trained_model_answers_as_scikit_learn_does(monkeypatch):
    """One message at a time (serving) is scored directly; the same answer as Rasa's own
    `process` through scikit-learn, with C-ordered weights as Rasa leaves them."""
    agent = trained_bot.load()
    texts = MESSAGES + TEXTS
    direct = [await agent.parse_message(text) for text in texts]
    [component] = [
        node._component
        for node in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(getattr(node, "_component", None), LogisticRegressionClassifier)
    ]
    assert component.clf.coef_.flags.f_contiguous
    # the same model through Rasa 3.6's own `process` and C-ordered weights
    monkeypatch.setattr(LogisticRegressionClassifier, "process", fast_intent_classifier._ORIGINAL)
    monkeypatch.setattr(fast_intent_classifier, "prepare", lambda classifier: None)
    component.clf.coef_ = np.ascontiguousarray(component.clf.coef_)
    rasas = [await agent.parse_message(text) for text in texts]
    assert component.clf.coef_.flags.c_contiguous
    for text, ours, theirs in zip(texts, direct, rasas, strict=True):
        assert ours["intent"]["name"] == theirs["intent"]["name"], text
        assert [i["name"] for i in ours["intent_ranking"]] == [
            i["name"] for i in theirs["intent_ranking"]
        ], text
        for mine, want in zip(ours["intent_ranking"], theirs["intent_ranking"], strict=True):
            assert mine["confidence"] == pytest.approx(want["confidence"], rel=1e-9, abs=1e-12)


def test_several_messages_or_another_classifier_go_to_rasas_process(monkeypatch):
    calls = []
    monkeypatch.setattr(
        fast_intent_classifier, "_ORIGINAL", lambda self, messages: calls.append(messages)
    )

    class Component:
        clf = LogisticRegression()  # not fitted: no weights to score with

    fast_intent_classifier._process(Component(), ["one"])
    two = ["one", "two"]
    fast_intent_classifier._process(Component(), two)
    assert calls == [["one"], two]


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_feature_row_is_entry_for_entry_rasas():
    from rasa.core.channels.channel import UserMessage

    agent = trained_bot.load()
    runner = agent.processor.graph_runner
    [(name, component)] = [
        (name, node._component)
        for name, node in runner._instantiated_nodes.items()
        if isinstance(getattr(node, "_component", None), LogisticRegressionClassifier)
    ]
    texts = MESSAGES + ["ok", "my ex keeps texting me 50 times a day, is that stalking?"]
    messages = [
        runner.run(inputs={"__message__": [UserMessage(text)]}, targets=[name])[name][0]
        for text in texts
    ]
    assert LogisticRegressionClassifier._create_X is fast_intent_classifier._create_X
    ours = component._create_X(messages).tocsr()
    rasas = fast_intent_classifier._ORIGINAL_CREATE_X(component, messages).tocsr()
    assert ours.shape == rasas.shape and ours.dtype == rasas.dtype
    for got, want in ((ours.indptr, rasas.indptr), (ours.indices, rasas.indices)):
        assert np.array_equal(got, want)
    assert np.array_equal(ours.data, rasas.data)  # same entries in the same order
    assert np.array_equal(component.clf.predict_proba(ours), component.clf.predict_proba(rasas))

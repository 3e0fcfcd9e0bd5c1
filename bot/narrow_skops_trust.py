"""The intent classifier loads without importing all of scikit-learn first.

Why: `LogisticRegressionClassifier.load` imports `skops.io`. On its first import, skops
builds its list of trusted types from `sklearn.utils.all_estimators()`, which imports every
scikit-learn module (and skops then searches every loaded module for each NumPy and SciPy
ufunc, so each extra module costs again). In a Rasa process, `Agent.load` of
models/vawg.tar.gz took 14.0-15.6 s with the full list and 4.6-4.8 s with the narrow one, and
`make run` was up in 22.5 s instead of 30.6 s (2-core machine, 2026-11-27, a slow night). The
list only decides which types a .skops file may hold.

What: `install()` imports `skops.io` while `all_estimators` answers only LogisticRegression,
the one estimator a model of config.yml keeps in a .skops file, then puts scikit-learn's
function back. skops then trusts that estimator and the NumPy and SciPy types as before. A
file holding any other scikit-learn estimator is refused as untrusted (Rasa then treats the
classifier as missing): stricter than before, never looser.

It must run before `skops.io` is first imported; if that already happened it changes nothing
and `installed()` says so. Installed when the gateway channel is imported
(bot/gateway_channel.py), which `rasa run` does before it loads the model; tested in
tests/bot/test_narrow_skops_trust.py.
"""

from __future__ import annotations

import sys

import sklearn.utils
from sklearn.linear_model import LogisticRegression

from bot import fast_skops_module_search

TRUSTED_ESTIMATORS = [("LogisticRegression", LogisticRegression)]
# the names skops gives them (module and class), as its trusted list holds them
_TRUSTED_NAMES = [f"{cls.__module__}.{cls.__qualname__}" for _, cls in TRUSTED_ESTIMATORS]


def install() -> None:
    """Idempotent: imports skops.io with the narrow list, unless it is imported already."""
    if "skops.io" in sys.modules:
        return
    fast_skops_module_search.install()  # before skops lists the types it trusts
    original = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: list(TRUSTED_ESTIMATORS)
    try:
        import skops.io  # noqa: F401
    finally:
        sklearn.utils.all_estimators = original


def installed() -> bool:
    trusted = sys.modules.get("skops.io._trusted_types")
    return trusted is not None and trusted.SKLEARN_ESTIMATOR_TYPE_NAMES == _TRUSTED_NAMES


install()

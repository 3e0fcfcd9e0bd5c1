"""skops' module search by dictionary look-up (bot/fast_skops_module_search.py): installed by
the config's classifier, and skops' own answer for every type it lists."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import scipy.special
import skops.io  # noqa: F401

import bot.merged_columns_classifier  # noqa: F401  # installs it, as loading config.yml does
from bot import fast_skops_module_search

ROOT = Path(__file__).resolve().parents[2]


def skops_own(obj, name):
    """skops' own `whichmodule`, as the patch found it."""
    return fast_skops_module_search.skops_whichmodule(obj, name)


def test_the_classifier_installs_it():
    assert fast_skops_module_search.installed()
    fast_skops_module_search.install()
    assert sys.modules["skops.io._utils"].whichmodule is fast_skops_module_search.whichmodule


def test_every_ufunc_and_type_skops_lists_gets_skops_own_module():
    objects = [
        getattr(module, attr)
        for module in (np, scipy.special)
        for attr in dir(module)
        if isinstance(getattr(module, attr), np.ufunc)
    ]
    objects += [dtype for dtypes in np.sctypes.values() for dtype in dtypes]
    assert len(objects) > 300
    for obj in objects:
        name = obj.__name__
        assert fast_skops_module_search.whichmodule(obj, name) == skops_own(obj, name), name


def test_modules_that_are_not_plain_and_names_that_are_not_are_asked_as_skops_does():
    marker = np.frompyfunc(lambda x: x, 1, 1)  # a ufunc found in no module
    lazy = types.ModuleType("zz_lazy_for_test")
    lazy.__getattr__ = lambda name: marker if name == "found_lazily" else None  # PEP 562

    class Special(types.ModuleType):
        pass

    special = Special("zz_special_for_test")
    special.inner = types.SimpleNamespace(deeper=marker)
    sys.modules[lazy.__name__] = lazy
    sys.modules[special.__name__] = special
    try:
        for name in ("found_lazily", "inner.deeper", "nowhere", "__doc__"):
            want = skops_own(marker, name)
            assert fast_skops_module_search.whichmodule(marker, name) == want, name
        assert fast_skops_module_search.whichmodule(marker, "found_lazily") == lazy.__name__
        assert fast_skops_module_search.whichmodule(marker, "inner.deeper") == special.__name__
        assert fast_skops_module_search.whichmodule(marker, "nowhere") == "__main__"
    finally:
        del sys.modules[lazy.__name__], sys.modules[special.__name__]


FRESH_PROCESS = """
import sys
from bot import fast_skops_module_search
assert "skops.io" not in sys.modules and fast_skops_module_search.installed()
import skops.io
assert sys.modules["skops.io._utils"].whichmodule is fast_skops_module_search.whichmodule
assert not any(isinstance(f, fast_skops_module_search._PatchOnLoad) for f in sys.meta_path)
print(len(sys.modules["skops.io._trusted_types"].NUMPY_UFUNC_TYPE_NAMES))
"""


def test_installed_before_skops_is_imported_it_is_in_place_for_skops_list():
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout) > 50

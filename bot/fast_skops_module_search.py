"""skops finds the module of a NumPy or SciPy ufunc with a dictionary look-up per module,
not an exception per module.

Why: when `skops.io` is first imported it lists the types it trusts, and for each NumPy and
SciPy ufunc (objects without `__module__`) it asks `whichmodule`, which tries every module
in `sys.modules` in turn. For each module without that name, skops' `_getattribute` catches
the AttributeError and raises another whose message holds the module's repr. With
TensorFlow loaded there are thousands of modules: 7.6 s of a 96 s `rasa train` (the import
is in the classifier's `persist`; py-spy, 2026-12-07), and part of the model's load when
serving.

What: `install()` makes `skops.io._utils.whichmodule` this module's `whichmodule`, which
walks the same modules in the same order and returns the first whose attribute of that name
is the object, as skops' does. For a plain module (exactly `types.ModuleType`, without a
module-level `__getattr__`) and a plain name (no dot, not an attribute of the module type),
reading the attribute is reading the module's dictionary, so it reads that; any other module
or name goes through skops' own `_getattribute`. So the answer is always skops' answer
(tests/bot/test_fast_skops_module_search.py checks it for every type skops lists). If
`skops.io` is not imported yet, a one-time import hook makes the change as
`skops.io._utils` is loaded, before skops lists its types.

Installed by the classifier config.yml names (bot/merged_columns_classifier.py), so
training has it, and by bot/narrow_skops_trust.py before it imports skops.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

_UTILS = "skops.io._utils"
_MISSING = object()
_MODULE_TYPE_NAMES = frozenset(dir(types.ModuleType))
skops_whichmodule: Any = None  # skops' own, once replaced (the tests compare against it)


def whichmodule(obj: Any, name: str) -> str:
    """skops' `whichmodule` (1.x), a dictionary look-up in each plain module."""
    module_name = getattr(obj, "__module__", None)
    if module_name is not None:
        return module_name
    getattribute = sys.modules[_UTILS]._getattribute
    plain_name = "." not in name and name not in _MODULE_TYPE_NAMES
    for module_name, module in sys.modules.copy().items():
        if module_name in ("__main__", "__mp_main__") or module is None:
            continue
        if plain_name and type(module) is types.ModuleType:
            namespace = module.__dict__
            if "__getattr__" not in namespace:
                if namespace.get(name, _MISSING) is obj:
                    return module_name
                continue
        try:
            if getattribute(module, name)[0] is obj:
                return module_name
        except AttributeError:
            pass
    return "__main__"


def _patch(utils: types.ModuleType) -> None:
    """Makes this module's `whichmodule` skops', keeping skops' own."""
    global skops_whichmodule
    if utils.whichmodule is not whichmodule:  # type: ignore[attr-defined]
        skops_whichmodule = utils.whichmodule  # type: ignore[attr-defined]
        utils.whichmodule = whichmodule  # type: ignore[attr-defined]


class _PatchOnLoad(importlib.abc.MetaPathFinder):
    """Finds skops.io._utils as the path finder does, and patches it once it has run."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != _UTILS:
            return None
        sys.meta_path.remove(self)  # once
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        load = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            load(module)
            _patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # this spec's loader only
        return spec


def install() -> None:
    """Idempotent: patches skops.io._utils now, or as soon as it is imported."""
    utils = sys.modules.get(_UTILS)
    if utils is not None:
        _patch(utils)
    elif not any(isinstance(finder, _PatchOnLoad) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnLoad())


def installed() -> bool:
    utils = sys.modules.get(_UTILS)
    if utils is None:
        return any(isinstance(finder, _PatchOnLoad) for finder in sys.meta_path)
    return utils.whichmodule is whichmodule


install()

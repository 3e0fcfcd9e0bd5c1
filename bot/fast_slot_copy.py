"""Rasa's slots copied the way `copy.copy` copies them, without its generic machinery.

Why: every DialogueStateTracker copies each of the domain's slots with `copy.copy`
(`DialogueStateTracker.__init__`), and Rasa builds trackers all the time: on every read from
the tracker store, and once more for each `init_copy`, e.g. in `generate_all_prior_trackers`.
`Slot` has no `__copy__`, so `copy.copy` asks `__reduce_ex__(4)` for a recipe and follows
it in `copy._reconstruct`: 8.4% of the Rasa process's samples under load were in
`DialogueStateTracker.__init__`, 6.5% in that one dict comprehension (py-spy at 50
concurrent conversations, docs/benchmarks.md).

What: `install()` gives `Slot` a `__copy__` that does what that recipe does for a plain
slot class: a new object made with the class's `__new__`, its `__dict__` a new dict with the
original's keys in the same order and the very same values (nothing copied deeper).
`copy.copy` finds it and uses it, so the tracker code is unchanged. No Slot subclass of
Rasa 3.6 (Float, Boolean, Text, List, Categorical, Any) defines `__slots__`, `__copy__`,
`__reduce__`, `__reduce_ex__`, `__getstate__`, `__setstate__` or `__getnewargs__`; a class
that does (a custom slot type) is copied exactly as before, by the generic recipe
(`copy._reconstruct`, as `copy.copy` does). `copy.deepcopy` and pickling do not use
`__copy__` and are unchanged.

Measured on the project's domain (14 slots; timeit, best of 5, before -> after):
`copy.copy(slot)` 2.0 -> 0.8 us, `tracker.init_copy()` 38 -> 20 us,
`DialogueStateTracker.from_events` with 7 events 51 -> 32 us. Most of what is left of a
slot's copy is `copy.copy`'s own dispatch (about 0.3 us) and making the object.

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py; tests/bot/test_fast_slot_copy.py compares each copy with the
one `copy.copy` made before, for the project's slots and every Slot class Rasa ships, and a
tracker's slot values and past states with and without it.
"""

from __future__ import annotations

import copy
import copyreg
from typing import Any

from rasa.shared.core.slots import Slot

# what makes `copy.copy` do more than "new object, same __dict__": if a slot class (or a
# class it inherits from, below `object`) defines any of these, it is left to the recipe
_CUSTOM_COPY = (
    "__copy__",
    "__reduce__",
    "__reduce_ex__",
    "__getstate__",
    "__setstate__",
    "__getnewargs__",
    "__getnewargs_ex__",
)
_PLAIN: dict[type, bool] = {}  # slot class -> copied by the fast path


def is_plain(cls: type) -> bool:
    """Whether `copy.copy` copies instances of `cls` as a new object with the same __dict__."""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = (
            cls not in copyreg.dispatch_table
            and not copyreg._slotnames(cls)  # type: ignore[attr-defined]  # __slots__ names
            and not any(
                name in vars(klass) and vars(klass)[name] is not _copy
                for klass in cls.__mro__[:-1]  # all but `object`
                for name in _CUSTOM_COPY
            )
        )
        _PLAIN[cls] = plain
    return plain


def _copy(self: Slot) -> Slot:
    """As `copy.copy(slot)` in Rasa 3.6: a new slot of the same class sharing its values."""
    cls = self.__class__
    if not is_plain(cls):
        return _generic_copy(self)
    duplicate = cls.__new__(cls)
    duplicate.__dict__ = self.__dict__.copy()  # the same keys in the same order, same values
    return duplicate


def _generic_copy(x: Any) -> Any:
    """What `copy.copy` does for an object without `__copy__` (CPython 3.10's copy.py)."""
    cls = type(x)
    reductor = copyreg.dispatch_table.get(cls)
    rv = reductor(x) if reductor is not None else x.__reduce_ex__(4)
    if isinstance(rv, str):
        return x
    return copy._reconstruct(x, None, *rv)  # type: ignore[attr-defined]


def install() -> None:
    """Idempotent: gives Slot its __copy__ once per process."""
    if "__copy__" in vars(Slot) and vars(Slot)["__copy__"] is not _copy:
        raise RuntimeError("Slot defines its own __copy__ now: check the Rasa version")
    Slot.__copy__ = _copy  # type: ignore[attr-defined]


def installed() -> bool:
    return vars(Slot).get("__copy__") is _copy


install()

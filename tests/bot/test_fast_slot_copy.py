"""Slots copied without copy.copy's generic recipe (bot/fast_slot_copy.py): installed by the
gateway channel, and each copy is the one `copy.copy` made before, for the project's slots,
every Slot class Rasa ships, and the trackers built from them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import (
    AnySlot,
    BooleanSlot,
    CategoricalSlot,
    FloatSlot,
    ListSlot,
    Slot,
    TextSlot,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import fast_slot_copy

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"


@pytest.fixture
def without_the_patch(monkeypatch):
    """Slot as Rasa ships it, for the length of a `with` block."""

    class Unpatched:
        def __enter__(self) -> None:
            monkeypatch.delattr(Slot, "__copy__")

        def __exit__(self, *exc: Any) -> None:
            monkeypatch.undo()
            assert fast_slot_copy.installed()

    return Unpatched()


def rasa_slots() -> list[Slot]:
    """One slot of each class Rasa ships, with values set (a mutable one among them)."""
    mappings = [{"type": "from_text"}]
    slots = [
        FloatSlot("f", mappings, initial_value=0.5, max_value=2.0, min_value=-1.0),
        BooleanSlot("b", mappings),
        TextSlot("t", mappings, initial_value="hello"),
        ListSlot("l", mappings, initial_value=[]),
        CategoricalSlot("c", mappings, values=["a", "b"], influence_conversation=True),
        AnySlot("a", mappings, initial_value={"k": ["v"]}),
    ]
    slots[0].value = 1.5
    slots[1].value = True
    slots[3].value = ["one", "two"]
    slots[4].value = "b"
    return slots


def project_slots() -> list[Slot]:
    domain = Domain.load(str(DOMAIN))
    slots = list(domain.slots)
    for slot in slots[::2]:  # half of them set, half as the domain leaves them
        slot.value = "said_more" if isinstance(slot, TextSlot) else {"set": ["by a test"]}
    return slots


def assert_same_shallow_copy(duplicate: Any, original: Any, before: Any) -> None:
    """`duplicate` is what `before` (copy.copy without the patch) was: a new object of the
    same class whose __dict__ has the same keys in the same order and the very same values."""
    assert duplicate is not original and duplicate.__dict__ is not original.__dict__
    assert type(duplicate) is type(before) is type(original)
    assert list(duplicate.__dict__) == list(before.__dict__) == list(original.__dict__)
    for key, value in before.__dict__.items():
        assert duplicate.__dict__[key] is value is original.__dict__[key]  # shared, not copied
    assert duplicate.__dict__ == before.__dict__


def test_the_gateway_channel_installs_it():
    assert fast_slot_copy.installed()
    fast_slot_copy.install()
    assert fast_slot_copy.installed()
    assert copy.copy.__module__ == "copy"  # copy.copy itself is untouched


def test_no_slot_class_rasa_ships_needs_the_generic_recipe():
    shipped = {cls for cls in all_subclasses(Slot) if cls.__module__.startswith("rasa.")}
    assert shipped == {type(slot) for slot in rasa_slots()}  # the test covers them all
    for cls in shipped:
        assert fast_slot_copy.is_plain(cls), cls


@pytest.mark.parametrize("slots", [rasa_slots, project_slots], ids=["rasa", "project"])
def test_each_copy_is_the_one_copy_copy_made_before(slots, without_the_patch):
    originals = slots()
    assert originals
    copies = [copy.copy(slot) for slot in originals]
    with without_the_patch:
        befores = [copy.copy(slot) for slot in originals]
    for duplicate, original, before in zip(copies, originals, befores, strict=True):
        assert_same_shallow_copy(duplicate, original, before)
        # changing the copy's value leaves the original alone, as before
        duplicate.value = "changed"
        assert original.value != "changed"


def test_a_slot_class_with_its_own_recipe_is_copied_by_it(without_the_patch):
    class Stateful(TextSlot):
        def __getstate__(self) -> dict[str, Any]:
            return {**self.__dict__, "_value": "from __getstate__"}

    class Reduced(TextSlot):
        def __reduce_ex__(self, protocol: Any) -> Any:
            return (Reduced, (self.name, self.mappings, "from __reduce_ex__"))

    class Slotted(TextSlot):
        __slots__ = ("extra",)

    originals: list[Slot] = [Stateful("s", []), Reduced("r", []), Slotted("x", [])]
    originals[2].extra = ["kept"]
    for original in originals:
        assert not fast_slot_copy.is_plain(type(original))
    copies = [copy.copy(slot) for slot in originals]
    with without_the_patch:
        befores = [copy.copy(slot) for slot in originals]
    for duplicate, original, before in zip(copies, originals, befores, strict=True):
        assert duplicate is not original and type(duplicate) is type(before) is type(original)
        assert list(duplicate.__dict__) == list(before.__dict__)
        assert duplicate.__dict__ == before.__dict__
        for key, value in before.__dict__.items():  # shared where the recipe shares
            assert (duplicate.__dict__[key] is original.__dict__.get(key)) == (
                value is original.__dict__.get(key)
            )
    assert copies[0].value == "from __getstate__" and copies[1].value == "from __reduce_ex__"
    assert copies[2].extra is originals[2].extra


def conversation() -> list[Any]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hello", intent={"name": "greet", "confidence": 0.9}),
        ActionExecuted("utter_greet"),
        BotUttered("Hello. Is it safe to talk?"),
        ActionExecuted("action_listen"),
        UserUttered(
            "is stalking abuse",
            intent={"name": "ask_is_this_abuse", "confidence": 0.8},
            entities=[{"entity": "abuse_type", "value": "stalking", "start": 3, "end": 11}],
        ),
        SlotSet("abuse_type", "stalking"),
        ActionExecuted("is_this_abuse_form"),
        ActiveLoop("is_this_abuse_form"),
        SlotSet("requested_slot", "check_monitoring"),
        ActionExecuted("action_listen"),
        UserUttered("yes", intent={"name": "affirm", "confidence": 0.99}),
        SlotSet("check_monitoring", "yes"),
        ActionExecuted("is_this_abuse_form"),
        ActionExecuted("action_listen"),
    ]


def tracker_views(domain: Domain) -> dict[str, Any]:
    tracker = DialogueStateTracker.from_events(
        "someone", conversation(), domain.slots, domain=domain
    )
    copied = tracker.copy()
    return {
        "slots": tracker.current_slot_values(),
        "past_states": tracker.past_states(domain),
        "copy_slots": copied.current_slot_values(),
        "copy_past_states": copied.past_states(domain),
        "prior_trackers": [
            (prior.current_slot_values(), prior.past_states(domain), hidden)
            for prior, hidden in tracker.generate_all_prior_trackers()
        ],
        "domain_slots_untouched": [slot.value for slot in domain.slots],
    }


def test_a_tracker_behaves_as_before(without_the_patch):
    domain = Domain.load(str(DOMAIN))
    after = tracker_views(domain)
    with without_the_patch:
        before = tracker_views(domain)
    assert after == before
    assert after["slots"]["abuse_type"] == "stalking"
    assert after["slots"]["check_monitoring"] == "yes"
    assert set(after["domain_slots_untouched"]) == {None}  # the domain's slots were copied

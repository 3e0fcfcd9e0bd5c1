"""The objects loaded at start are left out of garbage collection passes (bot/frozen_heap.py)."""

from __future__ import annotations

import gc

from bot import frozen_heap
from bot.gateway_channel import GatewayInput


def test_freezing_moves_what_is_alive_out_of_the_collectors_way():
    try:
        kept = {"a model's": ["long-lived", "objects"]}
        assert frozen_heap.freeze() >= len(gc.get_objects(generation=None)) // 2
        assert not any(o is kept for o in gc.get_objects())  # frozen: not walked any more
        made_later = [["a message's"], ["objects"]]
        assert any(o is made_later for o in gc.get_objects())  # collected as before
    finally:
        gc.unfreeze()


def test_the_gateway_channel_freezes_after_the_server_started():
    async def on_new_message(message):  # pragma: no cover - never called here
        return None

    blueprint = GatewayInput().blueprint(on_new_message)
    listeners = [(f.event, f.listener) for f in blueprint._future_listeners]
    assert ("after_server_start", frozen_heap.freeze_after_start) in listeners

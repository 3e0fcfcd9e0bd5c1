"""The real action server stops cleanly: rasa_sdk_plugins closes the directory client's session.

Run in the Rasa environment. Starts `python -m rasa_sdk --actions actions` (as scripts/supervise.py
does), makes it open its directory session with one find_service call (the directory is an
unused port, so the action answers with its safety fallback), sends SIGTERM and reads its log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def find_service_call() -> dict:
    tracker = {
        "sender_id": "shutdown-test",
        "slots": {},
        "latest_message": {"intent": {"name": "find_service"}, "entities": [], "text": "help"},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    }
    return {
        "next_action": "action_find_service",
        "sender_id": "shutdown-test",
        "tracker": tracker,
        "domain": {},
    }


@pytest.fixture
def action_server_log(tmp_path: Path) -> str:
    port = free_port()
    env = dict(
        os.environ,
        SANIC_HOST="127.0.0.1",
        DIRECTORY_URL=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        PYTHONPATH=str(ROOT),
    )
    log_path = tmp_path / "actions.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        answer = requests.post(f"{url}/webhook", json=find_service_call(), timeout=10).json()
        assert answer["responses"][0]["response"] == "utter_safety_fallback"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
    return log_path.read_text(errors="replace")


def test_sigterm_closes_the_directory_session(action_server_log: str) -> None:
    assert "directory unavailable for action_find_service" in action_server_log  # session opened
    assert "Unclosed client session" not in action_server_log

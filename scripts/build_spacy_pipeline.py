"""Build the project's spaCy pipeline from data/spacy/patterns.jsonl and install it.

Runs in the Rasa environment (spaCy 3.4). The pipeline is a blank English model plus an
entity ruler: nothing is downloaded. It is installed as a package so that Rasa loads it
by name from any working directory (a pipeline path would resolve against the CWD).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ROOT / "data" / "spacy" / "patterns.jsonl"
BUILD = ROOT / ".build" / "spacy"
PACKAGE_NAME = "vawg_patterns"  # installed as en_vawg_patterns
VERSION = "1.0.0"


def build_pipeline() -> spacy.language.Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    ruler.from_disk(PATTERNS)
    nlp.meta["name"] = PACKAGE_NAME
    nlp.meta["version"] = VERSION
    nlp.meta["description"] = "Blank English + entity ruler built from the project's patterns"
    return nlp


def main() -> None:
    shutil.rmtree(BUILD, ignore_errors=True)
    pipeline_dir = BUILD / "pipeline"
    dist_dir = BUILD / "dist"
    dist_dir.mkdir(parents=True)
    build_pipeline().to_disk(pipeline_dir)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "package",
            str(pipeline_dir),
            str(dist_dir),
            "--name",
            PACKAGE_NAME,
            "--version",
            VERSION,
            "--force",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    sdist = next(dist_dir.glob(f"en_{PACKAGE_NAME}-{VERSION}/dist/*.tar.gz"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
            str(sdist),
        ],
        check=True,
    )
    print(f"spaCy pipeline en_{PACKAGE_NAME} {VERSION} built from {PATTERNS.name}")


if __name__ == "__main__":
    main()

"""`rasa train`, with two training levers in place before Rasa reads the data.

Used by scripts/train-model.sh (and so by setup and the benchmark):
`python -m bot.rasa_train train --skip-validation ...` takes `rasa`'s own arguments.

Why not plain `rasa train`: Rasa reads the data before it imports any of the project's
components, so the patches those imports install come too late for the reading. On
2026-12-08 (py-spy on a cold-cache training, AMD EPYC, about 90 s in all) the reading spent:
- about 3.3 s on Rasa's own fingerprints of the examples, which it takes to drop duplicates
  (bot/fast_training_fingerprints.py makes them in one pass; imported here first);
- about 4 s checking the domain, NLU and story files against Rasa's YAML schemas. The
  training skips that check here because scripts/train-model.sh runs `rasa data validate`
  beside it, on the other core, which reads the same files with the same checks and fails the
  training if they fail. Other files (config.yml, endpoints) are still checked as Rasa does.
"""

from __future__ import annotations

import sys
from typing import Any

from rasa.shared.constants import DOMAIN_SCHEMA_FILE
from rasa.shared.core.training_data.story_reader.yaml_story_reader import CORE_SCHEMA_FILE
from rasa.shared.nlu.training_data.formats.rasa_yaml import NLU_SCHEMA_FILE
from rasa.shared.utils import validation

from bot import fast_training_fingerprints  # noqa: F401  # before the data is read

CHECKED_BESIDE = frozenset({DOMAIN_SCHEMA_FILE, CORE_SCHEMA_FILE, NLU_SCHEMA_FILE})
_RASA_VALIDATE_YAML_SCHEMA = validation.validate_yaml_schema


def validate_yaml_schema(yaml_file_content: str, schema_path: str, *args: Any, **kwargs: Any):
    """Rasa's check, except for the schemas `rasa data validate` checks beside the training."""
    if schema_path in CHECKED_BESIDE:
        return None
    return _RASA_VALIDATE_YAML_SCHEMA(yaml_file_content, schema_path, *args, **kwargs)


def main() -> None:
    validation.validate_yaml_schema = validate_yaml_schema
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()

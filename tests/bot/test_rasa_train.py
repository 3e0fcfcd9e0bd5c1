"""bot/rasa_train.py: `rasa train` with the fingerprints installed before the data is read,
and without the YAML schema checks that `rasa data validate` makes beside the training."""

from __future__ import annotations

import pytest
from rasa.shared.constants import MODEL_CONFIG_SCHEMA_FILE
from rasa.shared.utils import validation
from rasa.shared.utils.validation import YamlValidationException

from bot import fast_training_fingerprints, rasa_train

NOT_AN_NLU_FILE = "version: '3.1'\nnlu: 42\n"


def test_importing_it_installs_the_fingerprints():
    assert fast_training_fingerprints.installed()


def test_it_skips_only_the_schemas_the_check_beside_the_training_reads():
    assert rasa_train.CHECKED_BESIDE == {
        "shared/utils/schemas/domain.yml",
        "shared/utils/schemas/stories.yml",
        "shared/nlu/training_data/schemas/nlu.yml",
    }
    for schema in rasa_train.CHECKED_BESIDE:
        assert rasa_train.validate_yaml_schema(NOT_AN_NLU_FILE, schema) is None
    with pytest.raises(YamlValidationException):  # what Rasa's own check says of it
        rasa_train._RASA_VALIDATE_YAML_SCHEMA(
            NOT_AN_NLU_FILE, "shared/nlu/training_data/schemas/nlu.yml"
        )
    with pytest.raises(YamlValidationException):  # the model config is checked as Rasa does
        rasa_train.validate_yaml_schema("pipeline: 42\n", MODEL_CONFIG_SCHEMA_FILE)


def test_it_is_not_in_place_in_other_processes():
    # only main() puts it in place: `rasa data validate`, serving and tests keep Rasa's check
    assert validation.validate_yaml_schema is rasa_train._RASA_VALIDATE_YAML_SCHEMA

"""NLU evaluation: the held-out external test set, and cross-validation on the project's data.

    PYTHONPATH=. .venv-rasa/bin/python bench/nlu_eval.py [--skip-cv] [--model models/vawg.tar.gz]
    make nlu-eval        (runs scripts/setup.sh first, so the model matches the data)

1. External set (bench/data/external_utterances.yaml, written by outsiders, never trained on):
   loads the trained model in process and parses every utterance through the whole NLU
   pipeline the bot runs: the intent classifier, the danger patterns (PatternEntities) and
   the FallbackClassifier. The set's generic intent names are mapped to the bot's intents
   below. Reports intent accuracy, macro-F1, emergency recall and how many out-of-scope
   items were answered as an emergency. Only figures are written, never the utterances.
   The same for the six development sets (bench/data/dev_*.yaml: written for the project
   without sight of the training data, never trained on), on their items that are not also
   training examples.
2. A public corpus read as a probe (ChatterBot, fetched from PyPI when this runs; left out
   without a network): how many of its out-of-scope lines are answered as out of scope.
3. Cross-validation (3 folds) on data/nlu with config_nlu_testing.yml (the same pipeline
   without the FallbackClassifier, as in RasaHQ/rasa-demo). Takes a few minutes: --skip-cv.

Writes bench/results/nlu_eval.json (git-ignored) and docs/nlu-evaluation.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = ROOT / "bench" / "data" / "external_utterances.yaml"
DEVELOPMENT = ROOT / "bench" / "data" / "dev_utterances.yaml"
EVERYDAY = ROOT / "bench" / "data" / "dev_everyday_utterances.yaml"
DISCLOSURES = ROOT / "bench" / "data" / "dev_disclosure_utterances.yaml"
DEFINITIONS = ROOT / "bench" / "data" / "dev_definition_utterances.yaml"
STATEMENTS = ROOT / "bench" / "data" / "dev_statement_utterances.yaml"
SHAPES = ROOT / "bench" / "data" / "dev_shapes_utterances.yaml"
SELF_HARM = ROOT / "bench" / "data" / "dev_selfharm_utterances.yaml"
FEELINGS = ROOT / "bench" / "data" / "dev_feelings_utterances.yaml"
HELP_SEEKING = ROOT / "bench" / "data" / "dev_helpseeking_utterances.yaml"
SELF_HARM_FORMS = ROOT / "bench" / "data" / "dev_selfharm_forms_utterances.yaml"
BLIND_2026_12_04 = (
    "on 2026-12-04 by an engineer who had seen neither the training data nor any held-out set"
)
# (result key, report heading, file, when and by whom it was written, what it holds)
LATER_DEVELOPMENT_SETS = (
    (
        "development_everyday",
        "Second development set: the everyday mix",
        EVERYDAY,
        BLIND_2026_12_04,
        "the mix a public chatbot meets, about half of it requests a general assistant would "
        "get (alarms, music, banking, travel and 40 other domains) and hard negatives, then "
        "greetings, small talk, goodbyes, thanks and quick exits, and a few of each topic.",
    ),
    (
        "development_disclosures",
        "Third development set: disclosures",
        DISCLOSURES,
        BLIND_2026_12_04,
        "150 adults telling what was done to them, with no danger now and no question "
        "(labelled `ask_is_this_abuse`, their own situation), and at the boundaries 40 such "
        "accounts with danger now, 30 'is this abuse?' questions, 30 requests for a service "
        "and 30 worries about someone else.",
    ),
    (
        "development_definitions",
        "Fourth development set: what things are",
        DEFINITIONS,
        BLIND_2026_12_04,
        "150 general questions about what a form of abuse or a term around it means, 160 "
        "questions of the same forms about everything else ('what is a control group', 25 of "
        "them with words the abuse domain shares in harmless senses) and 40 questions to the "
        "bot about itself. It has no emergencies.",
    ),
    (
        "development_statements",
        "Fifth development set: statements",
        STATEMENTS,
        BLIND_2026_12_04,
        "three kinds of message in the same shapes ('he ...', 'my husband ...', 'i am ...'): "
        "120 harmless everyday statements about a partner, family, friends or oneself (out "
        "of scope), 80 accounts of the writer's own controlling or abusive situation with no "
        "danger now and 50 of danger now.",
    ),
    (
        "development_shapes",
        "Sixth development set: danger and ordinary news in the same shapes",
        SHAPES,
        "on 2026-12-07 by an engineer who had seen nothing of the project",
        "120 messages from someone in danger now and 119 harmless everyday statements in the "
        "same shapes ('he's ...', 'i've just ...', 'my husband's ...'), many in pairs ('he's "
        "coming up the stairs now' / '... with breakfast in bed'). After its first count, the "
        "kinds of three danger items the model then missed were named in a brief for new "
        "training examples (notes below, 2026-12-07): those three are not blind evidence.",
    ),
    (
        "development_self_harm",
        "Seventh development set: suicide and self-harm",
        SELF_HARM,
        "on 2026-12-07 by two engineers who had seen nothing of the project",
        "270 messages from a woman thinking of suicide or harming herself (self-injury, "
        "medication, heights, railways, farewells, plans with a time, coded wording) and 160 "
        "everyday ones sharing their words ('burnt myself on the oven'). The self-harm danger "
        "patterns of 2026-12-07 were written from what the first 230 missed; the last 200 "
        "stayed unread until counted once, after the change was decided (notes below).",
    ),
    (
        "development_feelings",
        "Eighth development set: feelings",
        FEELINGS,
        "on 2026-12-07 by an engineer who had seen nothing of the project",
        "60 messages of low mood with no cause or danger (the bot's `feeling_low`, generic "
        "label out_of_scope), 30 of suicide, self-harm or danger now, 40 telling what a "
        "partner or relative does and how it feels, and 20 everyday moods. Read before the "
        "low-mood intent had data (notes below): not blind evidence.",
    ),
    (
        "development_help_seeking",
        "Ninth development set: asking for help",
        HELP_SEEKING,
        "on 2026-12-07 by an engineer who had seen nothing of the project",
        "100 requests for a service or someone to talk to, 70 worries about someone else, 40 "
        "people worried about their own behaviour, and at the boundaries 20 disclosures with "
        "no request, 20 everyday requests for help and 10 emergencies. The brief for the "
        "help-seeking training examples of 2026-12-07 was written from what the first 140 "
        "missed; the last 120 stayed unread until counted once, after the change was decided "
        "(notes below).",
    ),
    (
        "development_self_harm_forms",
        "Tenth development set: self-injury and farewells",
        SELF_HARM_FORMS,
        "on 2026-12-07 by an engineer who had seen nothing of the project",
        "160 messages of self-injury described without the words 'self harm', coded "
        "farewells, hopelessness with a time, regretted past attempts and plans, in kinds "
        "named after what the seventh set's read items still missed, and 100 everyday ones "
        "sharing their words. The first 130 were read to write the danger patterns of "
        "2026-12-07 (late); the last 130 stayed unread, counted before and after (notes below).",
    ),
)
RESULTS = ROOT / "bench" / "results" / "nlu_eval.json"
# A public corpus of lines written by its users (BSD licence), fetched from PyPI when the
# evaluation runs and never stored in the project. It is a probe, not a held-out set: it was
# read to find faults. Its categories with nothing to do with abuse count as out of scope.
CHATTERBOT = "chatterbot-corpus==1.3.3"
CHATTERBOT_OUT_OF_SCOPE = (
    "coding", "computers", "history", "literature", "money", "movies", "politics",
    "science", "sports", "tech_support", "trivia",
)  # fmt: skip
REPORT = ROOT / "docs" / "nlu-evaluation.md"
CV_CONFIG = ROOT / "config_nlu_testing.yml"
FOLDS = 3

OTHER = "(no generic label)"

# The external set's generic intents -> the bot's intents that give that answer. Decided from
# what each intent does, not from results: every bot intent maps to at most one generic label.
GENERIC_TO_BOT: dict[str, tuple[str, ...]] = {
    "greet": ("greet",),
    "goodbye": ("goodbye",),
    "thanks": ("thanks",),
    "chitchat": ("chitchat", "bot_challenge", "ask_capabilities"),
    # nlu_fallback gets the kind "I can't help with that, here is a helpline" answer; low mood
    # is outside what the bot covers too, and its answer is a kind word and a listening line
    "out_of_scope": ("out_of_scope", "nlu_fallback", "feeling_low"),
    "quick_exit": ("quick_exit",),
    "emergency": ("emergency",),
    "ask_abuse_type_info": ("ask_abuse_type", "ask_causes"),
    # the person's own situation, with no danger now: asked about, or told
    "ask_is_this_abuse": ("ask_is_this_abuse", "tell_abuse"),
    "ask_myth": (
        "ask_myths",
        "ask_myth_certain_groups",
        "ask_myth_drink_anger",
        "ask_myth_prostitution",
        "ask_myth_forced_marriage",
        "ask_myth_nothing_can_be_done",
        "ask_myth_physical_only",
        "ask_myth_leaving",
        "ask_myth_only_women",
        "ask_myth_strangers",
        "ask_myth_covid",
        "ask_myth_victim_blaming",
    ),
    # asking for support for a particular group is asking where to find a service
    "find_service": (
        "find_service",
        "ask_young_people",
        "ask_men_boys",
        "ask_lgbt",
        "ask_older_disabled",
        "ask_nrpf",
        "ask_prostitution",
        "ask_rough_sleeping",
    ),
    "friend_family_help": (
        "ask_help_someone",
        "ask_how_to_ask",
        "ask_help_someone_avoid",
        "ask_help_someone_safety",
    ),
    "ask_perpetrator_help": ("ask_own_behaviour",),
}
# Bot intents with no generic counterpart (safe_to_talk, affirm, deny, unsure,
# ask_stay_discreet, ask_local_figures, ask_partnership) map to OTHER: always a miss.
BOT_TO_GENERIC = {bot: generic for generic, bots in GENERIC_TO_BOT.items() for bot in bots}


def generic_of(bot_intent: str | None) -> str:
    return BOT_TO_GENERIC.get(bot_intent or "", OTHER)


def load_set(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = {i["expected_intent"] for i in items} - set(GENERIC_TO_BOT)
    if unknown:
        raise SystemExit(f"{path.name} uses intents the mapping lacks: {sorted(unknown)}")
    return items


def normalise(text: str) -> str:
    """As tests/bot/test_nlu_data.py compares texts: lower case, letters, digits, spaces."""
    return re.sub(r"[^a-z0-9 ]+", "", re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text.lower()))


def training_examples() -> dict[str, list[str]]:
    """The training examples of data/nlu, by intent."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            lines = [re.sub(r"^- ", "", line.strip()) for line in block["examples"].splitlines()]
            found.setdefault(block["intent"], []).extend(line for line in lines if line)
    return found


def training_texts() -> set[str]:
    """Every training example, normalised."""
    return {normalise(text) for texts in training_examples().values() for text in texts}


@functools.cache
def _agent(model: Path):  # type: ignore[no-untyped-def]
    """The model loaded once per process: both held-out sets are parsed by the same agent."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's structured log prints every parsed text at debug level: keep it quiet, the
    # utterances are never shown.
    configure_structlog(logging.WARNING)
    return Agent.load(str(model))


async def parse_all(model: Path, texts: list[str]) -> tuple[list[dict], float]:
    agent = _agent(model)
    await agent.parse_message("warm up")
    start = time.perf_counter()
    parsed = [await agent.parse_message(text) for text in texts]
    return parsed, (time.perf_counter() - start) / max(len(texts), 1)


def scores(expected: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(expected))
    per_label = {}
    for label in labels:
        tp = sum(e == p == label for e, p in zip(expected, predicted, strict=True))
        fp = sum(p == label and e != label for e, p in zip(expected, predicted, strict=True))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "support": tp + fn,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    correct = sum(e == p for e, p in zip(expected, predicted, strict=True))
    return {
        "items": len(expected),
        "accuracy": round(correct / len(expected), 4),
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(labels), 4),
        "per_label": per_label,
    }


def evaluate_external(model: Path) -> dict:
    return evaluate_set(model, load_set(EXTERNAL))


def evaluate_development(model: Path, path: Path = DEVELOPMENT) -> dict:
    """A development set, less the items that equal a training example.

    It was written without sight of the training data, so its short everyday items ("hi",
    "thanks") can match training examples written independently; those are left out and
    counted, so the figures are on unseen text only.
    """
    items = load_set(path)
    trained = training_texts()
    unseen = [i for i in items if normalise(i["text"]) not in trained]
    result = evaluate_set(model, unseen)
    result["left_out_as_in_training_data"] = len(items) - len(unseen)
    return result


def evaluate_set(model: Path, items: list[dict]) -> dict:
    parsed, seconds_per_parse = asyncio.run(parse_all(model, [i["text"] for i in items]))
    expected = [i["expected_intent"] for i in items]
    bot_intents = [(p.get("intent") or {}).get("name") for p in parsed]
    predicted = [generic_of(b) for b in bot_intents]
    result = scores(expected, predicted)

    emergency = [k for k, e in enumerate(expected) if e == "emergency"]
    caught = [k for k in emergency if predicted[k] == "emergency"]
    by_patterns = [k for k in caught if _pattern_danger(parsed[k])]
    by_model = [k for k in caught if not parsed[k].get("danger_rule_overrode")]
    result["emergency"] = {
        "items": len(emergency),
        "recall": round(len(caught) / len(emergency), 4) if emergency else None,
        "caught_by_patterns": len(by_patterns),
        "caught_by_model": len(by_model),
    }
    oos = [k for k, e in enumerate(expected) if e == "out_of_scope"]
    result["out_of_scope_answered_as_emergency"] = sum(predicted[k] == "emergency" for k in oos)
    wrongly = [
        k for k, (e, p) in enumerate(zip(expected, predicted, strict=True)) if p == "emergency" != e
    ]
    result["answered_as_emergency_wrongly"] = len(wrongly)
    result["wrong_emergency_by_patterns"] = sum(_pattern_danger(parsed[k]) for k in wrongly)
    result["low_confidence_fallbacks"] = sum(b == "nlu_fallback" for b in bot_intents)
    # counts only: which of the bot's intents each expected label went to
    result["bot_intents"] = {
        label: dict(Counter(b for e, b in zip(expected, bot_intents, strict=True) if e == label))
        for label in sorted(set(expected))
    }
    # counts only: which generic label each expected label went to
    result["confusion"] = {
        label: dict(Counter(p for e, p in zip(expected, predicted, strict=True) if e == label))
        for label in sorted(set(expected))
    }
    result["parse_ms_mean"] = round(seconds_per_parse * 1000, 1)
    return result


def _pattern_danger(parsed: dict) -> bool:
    return any(e.get("entity") == "danger" for e in parsed.get("entities") or [])


def chatterbot_lines() -> list[str] | None:
    """The first line of each conversation in the corpus's out-of-scope categories, once each;
    None when the wheel cannot be fetched (no network)."""
    import zipfile

    cache = RESULTS.parent / "chatterbot"
    wheels = sorted(cache.glob("chatterbot_corpus-*.whl"))
    if not wheels:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", str(cache), CHATTERBOT]
        if subprocess.run(command, capture_output=True, check=False).returncode != 0:
            return None
        wheels = sorted(cache.glob("chatterbot_corpus-*.whl"))
    lines: dict[str, str] = {}
    with zipfile.ZipFile(wheels[-1]) as wheel:
        for category in CHATTERBOT_OUT_OF_SCOPE:
            data = yaml.safe_load(wheel.read(f"chatterbot_corpus/data/english/{category}.yml"))
            for conversation in data.get("conversations") or []:
                if conversation and isinstance(conversation[0], str):
                    lines.setdefault(conversation[0].strip().lower(), conversation[0].strip())
    return list(lines.values())


def evaluate_chatterbot(model: Path) -> dict | None:
    texts = chatterbot_lines()
    if texts is None:
        return None
    parsed, _ = asyncio.run(parse_all(model, texts))
    answered = Counter(generic_of((p.get("intent") or {}).get("name")) for p in parsed)
    return {
        "items": len(texts),
        "out_of_scope": answered["out_of_scope"],
        "answered_as": dict(answered.most_common()),
    }


def cross_validate() -> dict:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        command = [
            sys.executable, "-m", "rasa", "test", "nlu",
            "--nlu", str(ROOT / "data" / "nlu"),
            "--config", str(CV_CONFIG),
            "--cross-validation", "--folds", str(FOLDS),
            "--out", out, "--quiet",
        ]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit("cross-validation failed:\n" + done.stderr[-3000:])
        report = json.loads((Path(out) / "intent_report.json").read_text())
        seconds = time.perf_counter() - start
    labels = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v}
    intents = {k: v for k, v in labels.items() if not k.endswith(" avg")}
    return {
        "folds": FOLDS,
        "config": CV_CONFIG.name,
        "examples": sum(v["support"] for v in intents.values()),
        "intents": len(intents),
        "accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "emergency_recall": round(intents["emergency"]["recall"], 4),
        "emergency_precision": round(intents["emergency"]["precision"], 4),
        "lowest_f1": sorted(
            ({"intent": k, "f1": round(v["f1-score"], 4)} for k, v in intents.items()),
            key=lambda x: x["f1"],
        )[:5],
        "seconds": round(seconds),
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"


def write_report(result: dict) -> None:
    ext = result["external"]
    lines = [
        "# NLU evaluation",
        "",
        f"Run on {result['date']} on {result['machine']}, Rasa {result['rasa_version']}, "
        f"model `{result['model']}`.",
        "",
        "Regenerate with `make nlu-eval` (or `PYTHONPATH=. .venv-rasa/bin/python "
        "bench/nlu_eval.py`; `--skip-cv` leaves out cross-validation). Raw figures: "
        "`bench/results/nlu_eval.json` (not committed).",
        "",
        "## External test set",
        "",
        f"{ext['items']} utterances written by people outside the project "
        "(`bench/data/external_utterances.yaml`, sources and licences in its header). The bot "
        "is never trained on them. Each is parsed by the whole NLU pipeline the bot runs: the "
        "intent classifier, the danger patterns (either layer can declare an emergency) and the "
        "low-confidence fallback.",
        "",
    ]
    lines += _set_lines(ext, targets=True)
    dev = result.get("development")
    if dev:
        lines += [
            "",
            "## Development set",
            "",
            f"{dev['items'] + dev['left_out_as_in_training_data']} utterances written for the "
            "project on 2026-11-27 by an engineer who had not seen the training data, the "
            "danger patterns or the external set (`bench/data/dev_utterances.yaml`). Like the "
            "external set it is never trained on; it is larger, and it has more emergencies "
            "and violent idioms, so it shows what the external set's 9 emergencies cannot. "
            f"{dev['left_out_as_in_training_data']} of its items (short everyday phrases such "
            "as greetings) equal a training example written independently and are left out: "
            f"the figures are on the other {dev['items']}.",
            "",
        ]
        lines += _set_lines(dev, targets=False)
    for key, title, path, by, written in LATER_DEVELOPMENT_SETS:
        figures = result.get(key)
        if not figures:
            continue
        total = figures["items"] + figures["left_out_as_in_training_data"]
        lines += [
            "",
            f"## {title}",
            "",
            f"{total} utterances written for the project {by} (`{path.relative_to(ROOT)}`): "
            f"{written} Never trained on. {figures['left_out_as_in_training_data']} of its "
            "items equal a training example and are left out: the figures are on the other "
            f"{figures['items']}.",
            "",
        ]
        lines += _set_lines(figures, targets=False)
    probe = result.get("chatterbot")
    if probe:
        others = ", ".join(
            f"{label} {count}"
            for label, count in probe["answered_as"].items()
            if label != "out_of_scope"
        )
        lines += [
            "",
            "## A public corpus, read as a probe",
            "",
            f"The ChatterBot corpus (`{CHATTERBOT}` from PyPI, BSD licence, written by its "
            "users; not one of the external set's sources), fetched when the evaluation runs: "
            f"the first line of each conversation in its {len(CHATTERBOT_OUT_OF_SCOPE)} "
            f"categories with nothing to do with abuse ({', '.join(CHATTERBOT_OUT_OF_SCOPE)}), "
            f"{probe['items']} distinct lines, all out of scope. It was read to find faults, "
            "so it is not held out; it is the only set written by people outside the project "
            "that decisions may use. Answered as out of scope: "
            f"{probe['out_of_scope']} ({probe['out_of_scope'] / probe['items']:.1%}); "
            f"otherwise: {others}.",
        ]
    lines += [
        "",
        "How the set's generic intents map to the bot's (in `bench/nlu_eval.py`, decided from "
        "what each intent answers):",
        "",
        "| generic | bot intents |",
        "|---|---|",
    ]
    for generic, bots in GENERIC_TO_BOT.items():
        lines.append(f"| {generic} | {', '.join(f'`{b}`' for b in bots)} |")
    lines += [
        "",
        "`nlu_fallback` (low confidence) counts as out of scope because the bot answers it the "
        "same kind way, with a helpline and 999. Bot intents with no generic counterpart "
        "(`safe_to_talk`, `affirm`, `deny`, `unsure`, `ask_stay_discreet`, "
        "`ask_local_figures`, `ask_partnership`) always count as misses.",
        "",
    ]
    cv = result.get("cross_validation")
    if cv:
        lines += [
            "## Cross-validation on the project's own data",
            "",
            f"`rasa test nlu --cross-validation --folds {cv['folds']}` on `data/nlu` "
            f"({cv['examples']} examples, {cv['intents']} intents) with `{cv['config']}` "
            f"(the bot's pipeline without the fallback classifier), {cv['seconds']} s. "
            "Rasa shuffles the folds with no fixed seed (`StratifiedKFold(shuffle=True)` in "
            "rasa/nlu/test.py), so these figures move by about a point between two runs on the "
            "same data.",
            "",
            "| measure | result |",
            "|---|---|",
            f"| accuracy | {cv['accuracy']:.1%} |",
            f"| macro-F1 | {cv['macro_f1']:.3f} |",
            f"| weighted F1 | {cv['weighted_f1']:.3f} |",
            f"| emergency recall | {cv['emergency_recall']:.1%} |",
            f"| emergency precision | {cv['emergency_precision']:.1%} |",
            "",
            "Lowest F1: "
            + ", ".join(f"`{x['intent']}` {x['f1']:.2f}" for x in cv["lowest_f1"])
            + ".",
            "",
        ]
    lines += NOTES
    REPORT.write_text("\n".join(lines), encoding="utf-8")


# Measured once while choosing the pipeline (not rerun by this command).
NOTES = [
    "## How the pipeline was chosen",
    "",
    "Measured on 2026-11-25 with 3-fold cross-validation on the project's own data (never on "
    "the external set), on the same shared 2-core machine:",
    "",
    "| intent classifier (same featurisers) | CV accuracy | training |",
    "|---|---|---|",
    "| logistic regression (chosen) | 73.5% | 53 s for the whole model, cold cache |",
    "| DIET, no transformer layer, 80 epochs | 70.1% | 44 s for the NLU alone on an earlier, "
    "smaller data set |",
    "| DIET, one transformer layer, 60 epochs | 3 points above no layer on that earlier data "
    "(not measured on the current data) | twice the time of no layer |",
    "| DIET as in the skeleton (two transformer layers, 80 epochs) | not cross-validated | "
    "319 s for the whole model |",
    "",
    "Word 1-3 grams, character 1-5 grams and dropping the lexical featuriser changed the CV "
    "accuracy by less than one point. The low-confidence threshold (0.3) and ambiguity "
    "threshold (0.05) are Rasa's usual values; lower ones gained under one point in CV and "
    "would let more unfamiliar messages get a confident wrong answer.",
    "",
    "Tried later the same day, on the grown data (3,686 examples), with a scikit-learn copy of "
    "the pipeline (decided by cross-validation; the external set was read only as totals):",
    "",
    "- sentence embeddings (all-MiniLM-L6-v2, computed in numpy) instead of or beside the "
    "counts: no better (embeddings alone about 10 points worse on the external set, together "
    "no gain), and about 10 ms of CPU per message; dropped (taken up again on 2026-12-08 as "
    "a second opinion where the counts are unsure: see the last section);",
    "- logistic regression with C 1, 3 or 10, balanced or unweighted classes: 75.2-75.4% in CV, "
    "no real difference; kept as it was;",
    "- 100 iterations instead of 300: the same CV accuracy (75.5%) with half the fitting time; "
    "taken;",
    "- a second, binary emergency classifier as a third danger layer: 86% recall at a 4.6% "
    "false-alarm rate in 5-fold CV, weaker than the intent model's own 93%; dropped.",
    "",
    "New training examples are checked against the external set by the unit tests (no exact "
    "copy). 47 examples written during development that contained an external item almost "
    "word for word were removed again, so the figures above are not helped by near-copies.",
    "",
    "## What changed on 2026-11-27, and how it was decided",
    "",
    "- **A development set** (`bench/data/dev_utterances.yaml`, 581 items, 124 emergencies) was "
    "written first, by an engineer who saw neither the training data nor the patterns nor the "
    "external set. The engineers who then added data and patterns never saw it; they worked "
    "from probe sets of their own, half of each kept back and only counted. Decisions below "
    "were made on the development set; the external set was run once at the end.",
    "- **Training data:** 3,686 -> 4,330 examples (about 590 for greetings, goodbyes, thanks, "
    "chitchat, quick exit, out of scope, abuse types, 'is this abuse?' and finding services; "
    "47 emergencies; 7 'safe to talk'). On the writers' own kept-back probes: general intents "
    "128 -> 129 of 144 (little gain), danger 62 -> 64 of 69 with no more false alarms. 12 new "
    "examples equal to external items were deleted (the unit test found them), and a script "
    "then removed 5 more that nearly copied one (counts only).",
    "- **Danger patterns:** 594 -> 662 lines (texting spellings, intruders and being found, "
    "suffocation, more threat wordings, overdose with a quantity, hearing him approach), and "
    "guards for everyday sentences that had matched (a paper cut, 'die my hair', the next room "
    "watching football, hiding from the boss, and others), each with tests.",
    "- **Emergency threshold** (`emergency_threshold: 0.2` in config.yml): the intent is "
    "emergency when the classifier gives it at least 0.2, even if another intent ranks higher. "
    "On the development set (model before the last pattern changes): "
    "top intent only 103/122 emergencies caught with 7 false alarms of 346 (4 out of scope); "
    "0.3: 105, 11 (6); **0.2: 112, 15 (6)**; 0.1: 113, 17 (6); 0.05: 117, 29 (12). Accuracy "
    "rose from 85.7% to 86.3% at 0.2. A missed emergency costs far more than a needless 999 "
    "answer, so 0.2 was taken. On the external set it caught none of the two emergencies "
    "still missed, and two more non-emergency items (one out of scope) were answered as "
    "emergencies; it is kept, because the decision was made on the 13 times larger set of "
    "emergencies, not on these nine.",
    "- **Low-confidence threshold** checked again on the development set: 0.15 to 0.4 all "
    "within 0.7 points of accuracy and the same emergency recall; kept at 0.3.",
    "",
    "Later the same day, from the development set's misses (read item by item this time, so "
    "the development figures above are no longer blind; the external set was again only "
    "counted):",
    "",
    "- **The danger layer runs after the low-confidence fallback** (config.yml). Before, a "
    "danger pattern's emergency (confidence 1.0) beside a classifier 95% sure of another "
    "intent read as two intents too close to call, and the message got the 'not sure what "
    "you mean' answer instead of 999; so did an emergency the model itself ranked first below "
    "0.3. tests/bot/test_pattern_entities.py runs both components in the configured order.",
    "- **Danger patterns:** 662 -> 795 lines (an attacker at the door named indirectly, being "
    "followed now, household weapons, held by the throat, just escaped, pleas to hurry, a "
    "reply to disguise, rape within hours, cutting or a forced marriage about to happen), and "
    "guards for idioms that matched ('this essay is strangling me', 'trapped here for an "
    "hour', 'she'll murder me if I forget the milk'), written by an engineer who did not see "
    "the development set, from categories named in other words; 116 danger and 164 everyday "
    "test sentences. 'gonna' (spaCy splits it into 'gon' + 'na') now matches.",
    "- Together: on the development set emergency recall 110 -> 119 of 122 and accuracy "
    "85.9% -> 88.2%; on the external set nothing changed (the same 7 of 9 emergencies, 82.6%).",
    "",
    "Later again (the development set now read; the external set counted once, at the end):",
    "",
    "- **Training data:** 4,330 -> 5,493 examples, written by three engineers who saw neither "
    "held-out set nor any public intent data set: 580 everyday ones (out of scope across more "
    "than 50 domains, 'where is the nearest pharmacy'-type requests, about 50 violent idioms; "
    "greetings, goodbyes, thanks, chitchat, quick exit), 436 for the topics (forum-style "
    "accounts asking 'is this normal?', abuse types in the wording of an FAQ page, finding "
    "help, friends and family, own behaviour, myths) and 147 emergencies (danger at the end of "
    "a longer message, suicide or self-harm now, understated danger, a child in danger now). "
    "A script dropped the 21 new lines that equalled an external item, printing only the count. "
    "(Reading the external set's licence header, one command printed its first nine items "
    "too, greetings and a goodbye; none of the engineers who wrote data saw them.)",
    "- **Count rows scaled to length 17** (`row_length` in config.yml, "
    "bot/sentence_count_vectors.py). With raw counts a long message has much larger rows "
    "than a short one and gets extreme scores. Chosen with a scikit-learn copy of the "
    "pipeline (classifier alone, before the new data: CV 77.2% -> 78.4%, development set "
    "85.7% -> 88.2%; lengths 10, 17 and 32 within a point of each other, 17 trains in time); "
    "TF-IDF weighting did as well but needs document frequencies saved with the model, so "
    "was not taken. With Rasa, on the new data: development set 89.7% -> 91.6%, its "
    "emergencies 120 -> 122 of 122.",
    "- Together, at this point: development set 88.2% -> 91.6%, emergencies 119 -> 122 of 122 "
    "(4 out-of-scope items still answered as emergencies); cross-validation 79.4% -> 82.7%, "
    "emergency recall 94.3% -> 97.4%; external set 82.6% -> 84.7%, still 7 of 9 emergencies "
    "and 1 out-of-scope item answered as one (5 non-emergency items in all, 3 before).",
    "- **Danger words without danger:** the development set's false alarms came from the "
    "model (none from the patterns): it had learnt words such as phone, screaming, strangle "
    "or knife more than present danger. An engineer who saw neither held-out set wrote 166 "
    "everyday sentences that use such words with no danger (out of scope) and 75 'is this "
    "abuse?' accounts of past or controlling behaviour with no danger now (5,734 examples). "
    "Development set 91.6% -> 92.5%, out-of-scope items answered as emergencies 4 -> 2, all "
    "false alarms 13 -> 10, emergencies still 122 of 122.",
    "- **Danger patterns** from a probe of 95 danger messages written for this (not from "
    "either held-out set), which the model missed: 'I don't feel safe' / 'I'm not safe' / "
    "'I feel unsafe' said of oneself (the model gave 'deny'), the abuser named by what he did "
    "and present ('the man who trafficked me is outside'), and being held ('... and won't let "
    "me go'); with guards for 'not safe driving', 'not safe to drive' and a parent's 'won't let "
    "me go to the party / out with my friends', which an older pattern had taken for danger.",
    "",
    "That evening (the development set read, the external set only counted, at the end):",
    "",
    "- **Two new probe sets**, each written by an engineer who saw neither held-out set: "
    "one to find gaps (320 danger messages in many voices and 320 that must not raise the "
    "alarm: idioms, past abuse, questions, unrelated requests), and one kept back and only "
    "counted (200 and 200). The first showed 305 of 320 caught and 40 false alarms (12 of "
    "them from the patterns).",
    "- **Danger patterns:** 821 -> 843 lines, from the first probe's misses and the "
    "development set's last two: someone hurting mum now (a child telling), 'mum being "
    "hurt', 'mummy's bleeding', being made to drink bleach or swallow pills, an attack "
    "'now' or 'about an hour ago', 'not safe. can't talk.', 'please come', 'send help', "
    "'scared rn'. Guards for abuse that is over ('used to strangle me', 'used to say he'd "
    "kill himself'), hyperbole with its trivial reason after a comma ('my dad's going to "
    "kill me, I dented his car'), 'held hostage by a toddler', exams 'killing my daughter', "
    "a tracker 'hidden in my bag', 'SOS my eyeliner', 'please come to our coffee morning'. "
    "Each has tests, including that a guard does not hide a real threat beside it.",
    "- **Training data tried and not kept:** 130 emergencies and 172 hard negatives in the "
    "first probe's weak spots, written by an engineer who saw neither held-out set. With "
    "them the kept-back probe's false alarms fell 33 -> 28 of 200 but it caught 196 of 200 "
    "emergencies instead of 198, and the external set lost an item (85.1% -> 84.7%); the "
    "emergencies alone caught 198 but raised false alarms to 39. A missed emergency costs "
    "more than a needless 999 answer, so neither was kept.",
    "- With the patterns alone: the first probe (now read) 305 -> 312 of 320 caught, false "
    "alarms 40 -> 35; the kept-back probe 198 of 200 caught as before, false alarms 34 -> 33; "
    "the development and external sets unchanged (122 of 122 and 7 of 9 emergencies, 92.5% "
    "and 85.1%). The patterns close gaps of their own kind; the external set's two missed "
    "emergencies are not among them.",
    "- **Tried and not kept:** letting a guard cancel the model's below-top emergency (the "
    "0.2 threshold), so that a known idiom is not answered with 999. The kept-back probe "
    "lost an emergency: a long message whose guarded phrase ('doesn't let me go anywhere') "
    "sat beside a threat the model had caught.",
    "- **Threats of punishment** ('he's going to teach me a lesson', 'he said he'll make me "
    "pay'), with a guard for 'that'll teach me a lesson': 843 -> 846 lines. Added after "
    "reading the kept-back probe's misses, so that probe is no longer blind: 198 -> 199 of "
    "200.",
    "- **Training data: 5,734 -> 6,979 examples** for the small intents and the boundaries "
    "cross-validation showed the model mixing up (other public services against finding "
    "help, staying discreet, myths as beliefs and as reports, abuse types, professionals' "
    "questions, friends and family, the groups, short replies), written by three engineers "
    "who saw neither held-out set. 8 lines equal to a held-out item were dropped (counts "
    "only), and 9 that the danger patterns answer as emergencies were taken out, so that "
    "the model is not taught to doubt what the rule layer calls danger. Development set "
    "92.5% -> 94.4%, out-of-scope items answered as emergencies 2 -> 0, all false alarms "
    "10 -> 3, emergencies 122 of 122; cross-validation macro-F1 0.741 -> 0.783. The "
    "emergency probability of everything else fell with it: probe A 312 -> 307 caught, "
    "probe B 199 -> 197. A lower threshold (0.15) won back probe A but not B and tripled "
    "the development set's false alarms, so it stays at 0.2; instead 8 pattern lines cover "
    "what was missed ('please help tonight', 'they lock us in', 'tablets in front of me', "
    "'he's five minutes away', 'he's come back with his mates', a child's 'my mum isn't "
    "waking up', 'turned up drunk with a crowbar'), 846 -> 854 lines: probe A 311 of 320 "
    "(29 false alarms, 35 before the data), probe B 199 of 200 (28, 33 before). The external "
    "set, counted once at the end: 85.1% -> 84.3%, emergencies 7 -> 8 of 9.",
    "- **Review:** four of this session's lines repeated patterns the file already had ('come "
    "quick', 'send help', 'please help now', and the same 'my mum isn't waking up' twice); "
    "they were folded into those, 854 -> 850 lines, with the same matches on all 9,436 "
    "sentences checked (tests, probes, both held-out sets, training data).",
    "",
    "Later that night (the external set only counted, at the end; the same kind of machine ran "
    "about 3 times slower than in the afternoon: cross-validation took 487 s instead of 164 s, "
    "and the mean parse times above are 2-3 times those of the earlier run):",
    "",
    "- **A bare 'can' or 'will' stood for 'can't' or 'won't'.** spaCy splits 'can't' into 'ca' "
    "+ \"n't\", so 13 danger patterns listed 'ca', 'can' and 'will' with the negation after them "
    "optional, and the positive sentence matched too. 'yes i can talk now', the natural answer "
    "to the greeting's 'is it safe to talk?', got the 999 answer, and so did 'i can breathe "
    "again since i left him', 'i can keep going' and 'my mum is moving house'. Each such "
    "pattern is now two: the one-word negatives alone, and the bare modal with its negation "
    "required ('nt' counted, so 'i cant keep living like this' now matches). Found by listing "
    "the training examples of other intents that the patterns call danger (12 of them).",
    "- **Guards** for five of those twelve: a plant strangling another, 'what if I'm in danger "
    "for helping', 'if her boyfriend is hurting her', 'won't let me leave the house on my own', "
    "'my son has taken over my bank card'. The other six are danger to the patterns and so get "
    "the 999 answer whatever their label ('should I call 999 if I hear him hurting her', 'I "
    "hear my dad hurting my mum at night'); they were dropped from the training data (6,979 -> "
    "6,973 examples), and a test now fails if an example of another intent matches a danger "
    "pattern. 850 -> 867 lines, 29 new test sentences; on 8,204 sentences (training data, "
    "development set, tests) nothing else changed. Development set 94.4% -> 94.6%, "
    "emergencies 122 of 122; cross-validation 83.5% -> 83.7%; external set (counted) 84.3% -> "
    "83.9% (one 'is this abuse?' item now below the confidence threshold), emergencies 8 of 9 "
    "as before.",
    "- **Tried and not kept:** 100 training examples in calm positive wording (safe to talk "
    "now, 'he lets me ... but', 'I can get out on Tuesdays, where can I get support', everyday "
    "'leave / breathe / move' sentences), written by an engineer who saw neither held-out set, "
    "measured on a probe of 80 minimal pairs written by another (a negated danger message and "
    "its calm twin). Probe emergencies 79 of 80 before and after; false alarms on the calm "
    "halves 22 -> 21 of 80, none of them from the patterns (most are accounts of being safe "
    "after danger: 'police came and took him, im at my mums now'); development set false "
    "alarms 3 -> 4. Not kept. (The external set, counted: emergencies 8 -> 7 of 9.)",
    "",
    "2026-11-28, night (the external set only counted, after the decision):",
    "",
    "- **Training unchanged, faster.** Training now runs the entity ruler and the classifier's "
    'matrix the way serving does (docs/benchmarks.md, "Training levers, 2026-11-28"); the '
    "trained weights are bit for bit those of the model above, so every figure here stands.",
    "- **Tried and not kept:** 180 out-of-scope examples in the form of commands to a virtual "
    "assistant (alarms, music, lights, lists, messages, taxis, bookings, banking, conversions "
    "and the like; the data had 1,579 out-of-scope examples, mostly questions), written by an "
    "engineer who saw neither held-out set nor any public intent data set, with no danger, "
    "quick-exit or discretion wording. Development set 94.62% -> 94.41%, false alarms 3 -> 4, "
    "emergencies 122 of 122: no better, so not kept. The external set, counted after that "
    "decision: 83.9% -> 85.1%, out-of-scope items answered as emergencies 1 -> 0, emergencies "
    "8 of 9 as before. Keeping it on that count would have chosen on the test set.",
    "- **Tried and not kept:** 50 classifier iterations instead of 100 (faster training): "
    "development set 94.62% -> 93.55%, false alarms 3 -> 6.",
    "- **Tried and not kept:** 1,009 copies of training examples (15% of each intent, drawn "
    "with a fixed seed) with one typing slip each (two letters swapped, one dropped or doubled, "
    "or a neighbouring key), to make the model surer on misspelt messages. Development set "
    "94.62% -> 94.41%, false alarms 3 -> 4, emergencies 122 of 122: not kept. The external "
    "set, counted after that decision: 83.9% -> 84.7%, emergencies 8 of 9, out-of-scope items "
    "answered as emergencies 1.",
    "",
    "2026-12-04 (decided on the development sets; the external set only counted, after each "
    "decision):",
    "",
    "- **Two more development sets, written blind** (neither training data nor any held-out "
    "set seen, no public data set reproduced): the everyday mix (420 items, about half of them "
    "requests a general assistant would get) and disclosures (280). The model scored 95.6% on "
    "the everyday mix as it was: text written for the project, however blind, reads like the "
    "training data (122 of its 420 items equal a training example), so neither set shows the "
    "external set's gap.",
    "- **Requests for a joke are small talk** (10 examples moved from out of scope to "
    "`chitchat`, as the development sets define it): development set 94.62% -> 95.05%, false "
    "alarms 3 as before; everyday set 95.64% -> 95.97%. External set 83.9% as before.",
    "- **Tried and not kept:** 550 everyday examples (300 general-assistant requests in over "
    "50 domains, small talk, greetings, goodbyes, thanks, quick exits), written by an engineer "
    "who saw neither held-out set. Development set 94.62% -> 94.31%, false alarms 3 -> 6; "
    "everyday set 95.64% -> 95.47%. The external set, counted after: 83.9% -> 84.7%, "
    "out-of-scope items answered as emergencies 1 -> 0. Like the 180 commands the night before, "
    "it helps the external set and not the project's own sets.",
    "- **A plain disclosure is believed** (new intent `tell_abuse`: 'my husband hits me', "
    "'i was raped last year'). Probing by hand showed such messages answered as out of "
    "scope, as a goodbye ('i got hit again last night'), as the person's own abusive "
    "behaviour, or with 999. 215 examples written by an engineer who saw no held-out set; "
    "counted as `ask_is_this_abuse` here (the person's own situation, no danger now). "
    "Disclosures set: 57.5% -> 77.7%, answered with 999 wrongly 61 -> 31, emergencies 36 of "
    "38 before and after. Development set 95.05% -> 93.98% (3 items fell to the "
    "low-confidence fallback, 1 false alarm, 1 request for legal advice taken as a "
    "disclosure; 1 gained); everyday set 95.97% as before. The first training of it also "
    "missed one of the development set's emergencies ('pinned ... by my throat five minutes "
    "ago'), which a danger pattern now covers. Kept: the development set holds few such "
    "messages (3 of its items now get the new answer), and the loss there is 5 items of 465 "
    "against a gain of 55 of 273. External set, counted after: 83.9% as before, macro-F1 "
    "0.733 -> 0.742. The low-confidence threshold was checked again (0.15 to 0.3: within "
    "two items on every set; the sweep printed the external count too, the same at each "
    "threshold), and kept at 0.3.",
    "- **Tried and not kept:** 120 more disclosures, in the settings the first 215 covered "
    "least (harassment at work, in the street and by landlords, online abuse, money, "
    "passports, exploitation at work, after separation), written by an engineer who saw no "
    "held-out set. Disclosures set 78.3% -> 81.3% and 999 answered wrongly 31 -> 23, but "
    "one more of its emergencies missed (37 -> 36 of 38); development set 93.98% -> 93.76%, "
    "everyday set 95.97% -> 95.64%. A missed emergency outweighs the rest. The external set "
    "was not counted.",
    "- **Danger patterns** 867 -> 876 lines: asking for a lethal amount ('how many paracetamol "
    "would it take', 'lethal dose'; the model answered 4 of 5 such questions as out of scope), "
    "a recent attack in the passive ('i got hit again last night', 'i was slapped this "
    "morning'), 'he had me pinned against the wall by my throat', and boiling water, hot oil, "
    "bleach or acid thrown on someone (one of the disclosures set's two missed emergencies, "
    "read for this; the other, brothers 'on their way to get me', is left to the model: the "
    "same words are everyday). Each with guards and tests.",
    "",
    "Later on 2026-12-04 (decided on the development sets; the external set only counted, "
    "after each decision):",
    "",
    "- **A public corpus as a probe.** The ChatterBot corpus (`pip download "
    "chatterbot-corpus==1.3.3`, BSD licence, contributed by its users; not among the "
    "external set's sources) was read as a probe: the first line of each of its "
    "conversations, 511 distinct lines in its 11 out-of-scope categories (science, money, "
    "sport, trivia, tech support and the like). Only 75.7% were answered as out of scope: "
    "'what is chemistry', 'what is money', 'what does YOLO mean' and 58 more went to "
    "`ask_abuse_type`. 109 of its 352 examples start 'what is', against 17 of the 1,569 "
    "out-of-scope ones, so the words 'what is' had become a sign of a question about abuse.",
    "- **A fourth development set, written blind** for this (definitions: 150 questions about "
    "what a form of abuse or a term means, 160 of the same forms about everything else, 40 "
    "to the bot about itself): the model as it was scored 66.3% on its 273 items that are "
    "not training examples, with 68 of 151 everyday questions taken for questions about "
    "abuse.",
    "- **Training data: 7,187 -> 7,625 examples**: 260 definition questions about everyday "
    "things (out of scope), 50 questions to the bot about itself (`chitchat`) and 128 about "
    "rarer forms of abuse and terms (cyberflashing, hymenoplasty, cuckooing, Clare's Law...), "
    "so the forms are known by their own words; written by two engineers who saw no "
    "held-out set (2 lines equal to a held-out item dropped). Definitions set 66.3% -> "
    "89.7%; development set 93.98% -> 94.41%; everyday set 95.97% -> 96.31%; disclosures "
    "set 78.02% -> 77.66%, with its emergencies 37 of 38 as before only thanks to the next "
    "change (the first training missed 'he forced himself on me like 20 mins ago': the "
    "model's emergency score fell from just above the 0.2 threshold to just below it). The "
    "ChatterBot probe: 75.7% -> 84.1% (387 -> 430 of 511). External set, counted after: "
    "83.9% -> 86.8%, "
    "macro-F1 0.742 -> 0.768, out-of-scope items answered as emergencies 1 -> 0, "
    "emergencies 8 of 9 as before.",
    "- **Danger patterns:** a hedge before the time of a recent sexual assault ('he raped me "
    "like an hour ago', 'around 2 hours ago', 'literally 10 mins ago') now matches as the "
    "plain time did; the same words long ago ('like 10 years ago') do not. With tests.",
    "- **Tried and not kept:** 170 more out-of-scope questions of the shortest shape ('what "
    "is a fjord', 'whats uefa'), written by an engineer who saw no held-out set. Definitions "
    "set 89.7% -> 91.2%, but 3 more of its questions about abuse missed (93 -> 90 of 102); "
    "development, everyday and disclosures sets one item worse each. The external set, "
    "counted after: 86.8% -> 86.0%.",
    "- **A fifth development set, written blind**: statements in the same shapes ('he ...', "
    "'my husband ...', 'i am ...'), harmless, abusive with no danger now, or dangerous now "
    "(120, 80 and 50). Probing by hand had shown 'he bought me flowers', 'my boyfriend and i "
    "are going to paris' and 'i am tired' answered with 999. The model: 76.4% on its 246 "
    "items that are not training examples, all 49 emergencies caught, but 27 of the 120 "
    "harmless statements answered with 999 (the model's own doing: the patterns matched none "
    "of them).",
    "- **Tried and not kept:** 240 harmless everyday statements (about a partner, family, "
    "friends or oneself; out of scope), written by an engineer who saw no held-out set. "
    "Statements set 76.4% -> 88.2%, harmless statements answered with 999 27 -> 12, every "
    "emergency still caught; development set 94.41% -> 94.62% (999 answered wrongly 4 -> 5, "
    "one of them out of scope: 'my phone's dead and i've got no charger'); everyday set the "
    "same; disclosures set the same (999 wrongly 30 -> 31); but the definitions set 89.7% "
    "-> 87.5%, 6 more everyday questions taken for questions about abuse, and on the "
    "ChatterBot probe, the one human-written set the decisions may use, 430 -> 419 of 511 "
    "answered as out of scope. The gain was only on the set written for the change, by the "
    "same kind of writer, and both other measures of the 'what is' fault got worse, so it "
    "was not kept. (In this case the external set was counted before the ChatterBot check, "
    "not after the decision: 86.8% -> 85.1%, out-of-scope items answered as emergencies "
    "0 -> 1.) The 120 statements about a partner alone did worse than all 240 on every set.",
    "- **Tried and not kept:** 90 cheerful replies to 'how are you?' as small talk ('i am "
    "amazing today', 'feelin gr8'), since 'I am amazing' and 'I am going to save the world' "
    "got 999 (Rasa's own starter data, read as a probe); written by an engineer who saw no "
    "held-out set. Development set 94.41% -> 94.19% (one more out-of-scope item answered "
    "with 999), everyday set 96.31% -> 95.97%, disclosures 77.66% -> 78.02%, definitions "
    "89.7% -> 89.4%, statements 76.7% -> 73.5%. The external set, counted after: 86.8% -> "
    "86.0%.",
    "",
    "2026-12-07 (decided on the development sets, the ChatterBot probe and probes written for "
    "each change; the external set counted after). The mean parse times above were measured "
    "beside stock Rasa's training for the benchmark, on the other core:",
    "",
    "- **Danger patterns** 879 -> 882 lines: wanting it all or everything to stop, end or be "
    "over ('i just want it all to stop', 'make it all stop', 'i need all this to stop'). "
    "Probing by hand with suicide-risk messages written for this showed the model answering "
    "some as a request to close the chat (quick exit). Tests also hold one thing to stop "
    "('i want the noise to stop', 'can you make it stop') apart.",
    "- **A survivor who wants the abuse to stop.** 'i want the abuse to stop', 'how can i stop "
    "the abuse' and 'how do i make him stop' were answered as worry about one's own "
    "behaviour (the words 'stop' and 'abuse' were learnt from that intent only), or as a quick "
    "exit. A probe of 22 written by hand (8 such statements, 7 such questions, 7 people "
    "wanting to stop their own behaviour): 9 of 22. An engineer who saw no held-out set wrote "
    "60 statements (`tell_abuse`) and 40 questions (`find_service`); the 20 that a danger "
    "pattern matches were dropped, as for every example of another intent. All 80: probe 17 "
    "of 22, development sets +6 items in all but 3 more answered with 999 wrongly (67 -> 70), "
    "ChatterBot 430 -> 429. The external set, counted after that first choice: 86.8% -> 86.4%, "
    "with one out-of-scope item answered as an emergency (0 before); that count prompted a "
    "second look at the false alarms, and two smaller variants were tried: the 33 questions "
    "alone (probe 13 of 22, -1 item, false alarms 67 -> 65, ChatterBot 427) and the questions "
    "with the 34 statements that name no hitting or hurting (kept: probe 16 of 22; development "
    "set 94.41% -> 94.19%, everyday 96.31% -> 95.64%, disclosures 77.66% -> 78.75%, "
    "definitions 89.74% as before, statements 76.42% -> 77.24%; false alarms 67 as before; "
    "every emergency still caught; ChatterBot 430 -> 427). External set, counted after: "
    "86.8% -> 86.0%, emergencies 8 of 9, one out-of-scope item answered as an emergency. "
    "Kept for the people the probe stands for, against the external count: no decision here "
    "is taken on the test set, either way.",
    "- **Tried and not kept:** 118 curt or silencing commands as quick exit ('shut up', 'pipe "
    "down', 'hang up', 'unsubscribe'; 150 written by an engineer who saw no held-out set, less "
    "those close to suicide-risk wording such as 'just end it' or 'make it stop', and those "
    "equal to a held-out or training item). On a probe of 220 stop and cancel commands and "
    "their neighbours written blind by another engineer, 200 -> 209; but every development "
    "set one item worse (definitions 4) and ChatterBot 430 -> 422. The external set was not "
    "counted.",
    "- **Tried and not kept:** whether the patterns found a form of abuse (`abuse_type` or "
    "`topic`) as a feature for the classifier, so that 'what is money' and 'what is stalking' "
    "differ by their subject (69% of `ask_abuse_type` examples name one, 5 of 1,829 "
    "out-of-scope ones). At values 4 and 17: development set 94.41% -> 93.98% and 93.76%, "
    "everyday the same and +2 items, disclosures -1 each, definitions +2 and +3, statements "
    "the same and -2, ChatterBot 430 -> 433 and 435. Within the noise; not kept. The "
    "external set was not counted.",
    "- **Harmless news as out of scope, and danger in the same shapes** (the same "
    "afternoon). The statements set showed happy or ordinary statements answered with 999: "
    "'he's ...' and 'i've just ...' are the shape of 98 and 111 emergency examples and of 5 "
    "and 57 out-of-scope ones, so the model had learnt the shape itself as danger. An engineer "
    "who saw no held-out set wrote 263 harmless statements about a partner, family or oneself "
    "('he's in the garden putting in some runner beans', 'i've just finished my "
    "dissertation!!'); 21 that a danger pattern matches and 2 equal to a held-out item were "
    "dropped, 240 added. Statements set 77.2% -> 85.8%, its false 999 answers 30 -> 16; "
    "ChatterBot 427 -> 431; development 94.2% -> 93.1%, everyday 95.6% -> 95.3%, disclosures "
    "78.8% -> 78.4%, definitions 89.7% -> 88.6% ('what is tiramisu' and two like it tipping to "
    "the abuse overview, as before); one development emergency lost ('can u call someone for "
    "me i cant make a sound', emergency probability 0.20 -> 0.18). A threshold of 0.18 won it "
    "back (224 of 225 development emergencies, 61 false alarms against 72 before the data) and "
    "was committed first. Then a blind probe, written for this change by another engineer who "
    "saw nothing of the project (120 danger messages and 120 harmless ones in the same shapes, "
    "often in pairs: 'he's coming up the stairs now' / '... with breakfast in bed'; one "
    "harmless line equal to a new training line left out), showed the cost: the model before "
    "the data caught 119 of 120 and answered 84 of 119 harmless ones with 999; with it, 116 and "
    "59. Three emergencies lost ('loading his shotgun in the hallway', a child snatched from "
    "nursery, the man who grabbed her earlier back at the bus stop: probabilities 0.68, 0.69 "
    "and 1.00 -> 0.16, 0.12 and 0.10). A missed emergency costs more than a needless 999 "
    "answer, so that alone was not kept. A third engineer, who saw no held-out set or probe, "
    "wrote 168 emergencies in the same everyday shapes ('my husband's in the garage loading "
    "the shotgun', 'im whispering hes listening'); 4 equal to a held-out or probe item were "
    "dropped, 164 added. **Caveat:** the brief for them was written after the three misses "
    "were seen and names their kinds (a shotgun among the weapons, a child taken from "
    "nursery, a man from earlier who is back, a bus stop among the places), so the probe's "
    "three are no longer blind evidence. With both sets of data: the probe 119 of 120 "
    "caught (the same one missed as before the data, a lay-by with him refusing to drive on) "
    "and 66 of 119 harmless ones answered with 999; on the 117 probe emergencies the brief "
    "did not name, 116 before, 116 after. The threshold went back to 0.2: with both sets it "
    "catches what 0.18 catches on the development sets (224 of 225) and on the probe (119), "
    "with fewer false alarms (63 against 67). Development sets: 93.1 / 95.3 / 77.7 / 87.9 / "
    "85.8%, their false 999 answers 67 -> 59, every emergency caught before still caught; "
    "ChatterBot 431 of 511. The external set, counted after: 86.0% -> 86.4%, macro-F1 0.763 "
    "as before, emergencies 8 of 9 and out-of-scope items answered as an emergency 1, as "
    "before.",
    "- **Why kept this time.** The harmless statements repeat a change tried and not kept "
    "earlier (above: 240 statements, not kept because the gain was only on the set written "
    "for it while the definitions set and ChatterBot both got worse); the earlier lines were "
    "not in the project, and these were written by another engineer. What differs: "
    "ChatterBot now gains (427 -> 431, against 430 -> 419 then); a second set written blind "
    "for the change, the shapes probe, confirms the gain on harmless messages (84 -> 66 "
    "answered with 999) with the same emergencies caught on the 117 the brief did not name; "
    "and the development sets' false 999 answers fall 67 -> 59. The definitions set got "
    "worse again: 5 items, of which 4 everyday 'what is' questions ('what is tiramisu', "
    "'what is cloud storage') now get the abuse overview instead of the low-confidence "
    "answer. Both costs are a less apt answer, not a missed emergency; the gain is fewer "
    "999 answers to people sharing ordinary news.",
    "- **The shapes probe is kept as the sixth development set** "
    "(`bench/data/dev_shapes_utterances.yaml`, 120 emergencies and 119 harmless statements), "
    "so later changes are measured on the fault it found; its header says which three items "
    "are no longer blind.",
    "",
    "Later on 2026-12-07, low mood, suicide and self-harm (decided on the development sets, "
    "ChatterBot and the probes below; the external set counted after):",
    "",
    "- **A `feeling_low` intent.** 'i feel so alone', 'i'm so depressed' had no answer of their "
    "own: a probe of 150 feelings messages, written blind by an engineer who saw nothing of "
    "the project, found the 60 of low mood answered 15 times with 999, 18 times as out of "
    "scope, 11 as 'is this abuse?' and the rest scattered. The new intent's answer is kind, "
    "offers Samaritans' 24/7 line from the directory and asks whether something at home is "
    "behind it. Training: 107 low-mood lines from a helper who saw no test set, probe or "
    "training data (one equal to a held-out item dropped). It then took 5 of the probe's 40 "
    "disclosures that also say how they feel ('my gf hits me sometimes and i feel "
    "embarassed to tell anyone'), so a second helper, whose brief followed from that count, "
    "wrote 100 such disclosures (96 kept as `tell_abuse`). Its generic label is out_of_scope: "
    "like that answer, it is kind and gives a line, and the external set has no label of its "
    "own for it.",
    "- **Suicide and self-harm were caught barely half the time.** A probe of 150 such "
    "messages and 80 everyday ones sharing their words, written blind for this, found 78 of "
    "150 caught (self-injury described without 'myself', saved-up medication, farewells, "
    "plans for tonight, text spellings like 'jumpin' and 'kms'). Two changes: 17 danger "
    "patterns written from those misses and checked against every training example, every "
    "development item that is not an emergency and the helpers' harmless lines (none newly "
    "matched): self-injury in the progressive and the body parts ('keep burning myself', "
    "'cutting my thighs'), 'relapsed on sh', saving up pills, 'too many on purpose', "
    "'jumpin in front of a train', walking into traffic, 'this is my last message', 'be gone "
    "by morning', 'when i'm gone', 'nobody will miss me', 'go through with it tonight'; and "
    "216 emergency lines of suicide and self-harm in people's words from a helper who saw no "
    "test set or probe, with 95 everyday lines that share their words. Those made short "
    "first-person news read as danger ('im in the garden with a cuppa'), so a third helper "
    "wrote 248 everyday statements about one's day; with those, one development emergency "
    "was lost (a woman running into the street covered in blood), so a fourth wrote 90 "
    "bystander emergencies ('a woman just ran into the street bleeding': that kind was named "
    "in the brief) and 58 harmless lines about neighbours and the street.",
    "- **Figures, before -> after.** The first probe (read, so not blind): 78 -> 136 of 150 "
    "caught, its harmless lines answered with 999 15 -> 30 of 80. A second probe, 120 risk "
    "and 80 harmless messages written blind by another engineer from a brief of its own and "
    "counted once after the decision: 68 -> 106 of 120 caught (the patterns alone 73, the "
    "data alone 104), harmless answered with 999 9 -> 12 of 80. Both probes are kept as the "
    "seventh development set. The feelings probe (the eighth set; read): low mood answered "
    "`feeling_low` 0 -> 45 of 60, its 30 emergencies all caught before and after. "
    "Development sets: 93.1 / 95.3 / 77.7 / 87.9 / 85.8 / 69.8% -> 92.9 / 96.0 / 77.3 / "
    "87.9 / 85.0 / 70.2%; every emergency caught before is still caught (shapes 118 -> 119 "
    "of 119); their false 999 answers 125 -> 137 of 1,449 (mostly short everyday statements: "
    "'i hav a sore throat', 'just checking is the chippy open tonight'). ChatterBot 431 -> 422 "
    "of 511. The cost is a needless 999 answer for about one more message in a hundred; the "
    "gain is about a third more of the people thinking of suicide or harming themselves "
    "answered with 999 and Samaritans. The external set, counted after: 86.4% -> 86.4%, "
    "macro-F1 0.763 -> 0.745, emergencies 8 of 9 and out-of-scope items answered as an "
    "emergency 1, as before. Cross-validation 83.6% -> 81.6%, its emergency recall 96.5% -> "
    "91.2%: it is measured on the training data itself, which now holds 306 harder "
    "emergencies (coded farewells such as 'soon none of this will matter' are hard to learn "
    "from the other folds), so the two figures are not on the same data.",
    "",
    "Later on 2026-12-07, asking for help (decided on the development sets and the first part "
    "of a probe written for it; its last part and the external set counted after):",
    "",
    "- **Help-seeking messages were answered as something else a third of the time.** A "
    "probe of 260, written blind by an engineer who saw nothing of the project (100 requests "
    "for a service, 70 worries about someone else, 40 people worried about their own "
    "behaviour, 20 disclosures, 20 everyday requests, 10 emergencies), was cut in two. On "
    "its first 140 the model answered 89 right, and 19 of the 137 that were not emergencies "
    "with 999: requests that say what happened ('pregnant and he pushed me last week, should "
    "i talk to my midwife'), that name a kind of help ('i need an IDVA'), worries about "
    "someone else that name harm to them, and people describing their own behaviour. Two "
    "guards: a worry about someone else's partner ('i think her bf is hurting her') and what "
    "happened to a group ('trans women who've been assaulted'); the attack itself still "
    "counts ('my friend's bf is hurting her right now'). A helper who saw no test set, probe "
    "or training data wrote, from a brief naming those kinds: 138 requests (`find_service`; "
    "35 naming a group left out, since the group's own intent sets the eligibility the "
    "search needs, and 7 a danger pattern matches), 171 worries about someone else "
    "(`ask_help_someone`), 115 people describing their own behaviour (`ask_own_behaviour`) "
    "and 100 everyday requests in the same words (out of scope).",
    "- **That cost five development emergencies** (a lay-by where he will not drive on, "
    "the cliffs at Beachy Head, driving into a tree tonight, a past attempt, biting an arm "
    "until it bruises). Leaving out the everyday requests, or those and the worries, did not "
    "win them back. A brief named their kinds, and a helper wrote 198 emergencies (high "
    "places, a car or the road, past attempts, self-injury in other words, farewells, being "
    "held in a car, cannot talk); two danger patterns were written for the two still missed "
    "('i attempted twice before', 'bit my arm so hard it bruised'), with a guard for 'i "
    "attempted twice to call you' and checked against every training example, development "
    "item and helper line (nothing else matched). Those five are no longer blind evidence.",
    "- **Figures, before -> after.** The probe's first 140 (read): 89 -> 115, answered with "
    "999 wrongly 19 -> 10. Its last 120, counted once after the decision: 85 -> 98 (70.8% -> "
    "81.7%), answered with 999 wrongly 14 -> 6, its 7 emergencies caught before and after "
    "(the 'before' is the old model with the new patterns: the patterns are read when the "
    "bot runs). By label on those 120: requests 38 -> 41 of 47, worries about someone else "
    "18 -> 24 of 33, own behaviour 8 -> 13 of 18. Development sets: 92.9 / 96.0 / 77.3 / "
    "87.9 / 85.0 / 70.2 / 81.7 / 89.3% -> 94.4 / 94.0 / 77.7 / 87.9 / 82.9 / 71.0 / 82.1 / "
    "91.3%; every emergency caught before is still caught, and 13 more of the self-harm set "
    "(235 -> 248 of 263); their false 999 answers 190 -> 197 of 2,362. ChatterBot 422 -> "
    "414 of 511. The costs: about one more needless 999 answer in three hundred messages, "
    "and the everyday and statements sets 2 points lower (a plumber in W2, 'when do the "
    "clocks go back', 'my best friend is getting married in June' taken for a worry about a "
    "friend). The external set, counted after: 86.4% -> 86.8%, macro-F1 0.745 -> 0.814 "
    "(requests 1 -> 2 of 4, worries about someone else 1 -> 2 of 3, own behaviour 1 -> 2 of "
    "2), emergencies 8 of 9 and out-of-scope items answered as an emergency 1, as before. "
    "Cross-validation 81.6% -> 81.3%, its emergency recall 91.2% -> 91.3% (90.9% in a "
    "second run on the same data: the folds differ between runs).",
    "- **The probe is kept as the ninth development set** "
    "(`bench/data/dev_helpseeking_utterances.yaml`); its header says which items were read.",
    "- **A service named by its name** ('whats the number for rahab' was answered as out of "
    "scope). 71 `service` patterns name the directory's services by their names and short "
    "forms ('rahab', 'al-hasaniya', 'angelou', \"men's advice line\"); when the model found "
    "nothing it knows (out of scope or too unsure), or the message is only the name ('galop' "
    "was read as a greeting), a named service makes the intent `find_service`, and the "
    "action lists the named service first, its details from the directory. A form of abuse "
    "inside the name stays an entity ('national stalking helpline hours?'), as inside a "
    "danger match; no danger match was changed on 12,930 training "
    "examples and held-out items. Development sets and the external set unchanged; the "
    "help-seeking probe's first 140 115 -> 116, its last 120 98 as before.",
    "- **Self-injury and farewells in other words** (danger patterns, late on 2026-12-07). "
    "The seventh set's read items still missed seven emergencies: words carved into the "
    "skin, punching walls till the knuckles split, 'too late for me', 'soon none of this "
    "will matter', a past attempt she regrets surviving, and two left alone ('im done. "
    "goodbye', a plan with no method named), too close to everyday goodbyes and plans for a "
    "pattern. A brief naming those kinds went to an engineer who saw nothing of the project; "
    "the 260 messages that came back are the tenth development set. Its first 130 were read "
    "and two more kinds written from its misses (making it stop for good; hoping someone "
    "will look after her children); a will ('who gets what') and 'make sure my sister gets "
    "the kids' were left alone. 14 danger lines and 2 guards ('too late for me to ...', "
    "'... didn't work out'), each checked against every training example of another intent. "
    "**Before -> after:** the seventh set's emergencies 248 -> 253 of 263; the tenth set's "
    "read half 70 -> 73 of 75, its unread half 74 -> 75 of 85 (counted, not read), needless "
    "999 answers 14 and 11 before and after; every other development set, ChatterBot and "
    "the external set unchanged (external counted after: 86.8%, 8 of 9 emergencies).",
    "- **A professional asking where to refer someone is asking for services** ('i'm a "
    "social worker, who can i refer a client to' got the partnership's overview: the one "
    "training example of that kind, 'how do i refer a client to specialist services', was "
    "labelled `ask_partnership`). It moved to `find_service` with 25 more, written for the "
    "project (roles from GP to job centre adviser; none equal to a held-out item, none a "
    "danger match). Development sets, items gained or lost: disclosures -3 (to the "
    "low-confidence fallback), statements -1, shapes -1 (one more needless 999), "
    "definitions +1, feelings +1, self-injury and farewells +2 (two fewer needless 999), "
    "help-seeking +1; ChatterBot 414 -> 415; every emergency caught as before. External "
    "set, counted after: 86.8% as before.",
    "",
    "## What changed on 2026-12-08: a second opinion from sentence embeddings",
    "",
    "- **Why.** The n-gram classifier is sure of what resembles its training data and weakest "
    "on what is said in other words; more training data had moved the held-out sets a point "
    "or two at a time, with costs elsewhere each time (above). A sentence-embedding model "
    "knows which sentences mean the same from a billion sentence pairs, whatever their words.",
    "- **What** (`bot/embedding_second_opinion.py`, `bot/sentence_encoder.py`). Where the "
    "n-gram classifier's top intent has less than 0.9, the message is embedded with "
    "all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; its weights from PyPI, hash "
    "pinned, run in NumPy: the same tokens and vectors as the reference implementation, "
    "tests/bot/test_sentence_encoder.py). A logistic regression on the embeddings (C 100, "
    "balanced classes, trained on every training example) scores each intent, and the two "
    "opinions are multiplied: the n-gram probability times the embedding one to the power "
    "0.5, over the n-gram classifier's ranking, normalised. It never takes away a possible "
    "emergency: where the n-gram classifier gives `emergency` at least 0.2 (the doubt the "
    "bot answers as an emergency) and the product would not, the n-gram ranking stands. The "
    "danger patterns, the emergency threshold and the low-confidence fallback read the "
    "result as before.",
    "- **How it was chosen.** First with a scikit-learn copy of the pipeline on the ten "
    "development sets (classifier alone, no patterns): counts alone 85.8%; embeddings beside "
    "the counts in one classifier 89.1% (the 2026-11-25 trial above, on a third of today's "
    "data, had found no gain); static per-token vectors distilled from the same model, at "
    "no cost per message, 87.0-87.5%; the product of the two classifiers 88.7%. The "
    "product leaves the n-gram classifier as it is, so a message it is sure of needs no "
    "embedding; the joint classifier needs one for every message. Asking for "
    "the second opinion only below 0.9 lost nothing against asking always (37% of those hard "
    "items were asked). Then with the real pipeline, on the development sets and ChatterBot "
    "(the external set left out), before the emergency rule: confidence 0.8 / 0.9 / 0.95 / "
    "always with weight 0.5 gave 87.7 / 87.6 / 87.6 / 87.6% of 2,880 development items, 785 "
    "/ 787 / 787 / 787 of 804 emergencies, 205 / 212 / 212 / 212 needless 999 answers, "
    "ChatterBot 443 / 453 / 454 / 455 of 511; weight 0.3 and 1.0 (at 0.9) gave 87.1% and "
    "87.9%, 787 and 781 emergencies. 0.9 and 0.5 were kept. Item by item against the model "
    "before, that version caught 9 development emergencies more but lost 3 ('3am tonight "
    "when the house is quiet', giving things away so nothing is left to sort, a kettle "
    "poured on a leg on purpose), each one the n-gram classifier had doubted (0.26 to 0.45) "
    "and the embeddings had not. A lost emergency costs more than a needless 999 answer, so "
    "the rule that a doubt stands was added: no emergency lost, 790 caught, at 47 more "
    "needless 999 answers than without the rule (259 against 212) and 1.5 points of "
    "development accuracy. **Caveat:** the first evaluation, before the rule and with "
    "confidence and weight already set, printed the external figures beside the development "
    "ones (91.7%, 9 of 9 emergencies, no out-of-scope item answered as an emergency). The "
    "rule was chosen for the development emergencies, and it costs the external set: see "
    "below.",
    "- **Before -> after.** Development sets 94.4 / 94.0 / 76.6 / 88.3 / 82.5 / 70.6 / 83.3 / "
    "92.0 / 82.3 / 83.0% -> 95.5 / 96.0 / 79.5 / 91.2 / 85.0 / 69.8 / 83.6 / 91.3 / 83.1 / "
    "80.2% (85.3% -> 86.2% of 2,880 items); emergencies caught 781 -> 790 of 804, none "
    "caught before lost; needless 999 answers 237 -> 259 (about one more in a hundred "
    "non-emergency messages). ChatterBot 414 -> 449 of 511 answered as out of scope. "
    "Cross-validation 81.1% -> 85.1%, its emergency recall 91.5% -> 94.6%. The external "
    "set, counted after: 86.8% -> 91.3%, macro-F1 0.809 -> 0.866, emergencies 8 -> 9 of 9, "
    "out-of-scope items answered as an emergency 1 -> 1 (without the rule it was 0).",
    "- **Cost.** About 14 ms of one core for each message that is asked (reading the model's "
    "42 MB of weights bounds it); nothing for the others. The external set's mean parse time "
    "1.9 -> 9.5 ms: many of its items are unfamiliar. Training embeds every example once, "
    "about 2.7 ms each (about 25 s for 9,752 examples on a 2-core AMD EPYC: a cold training "
    "72 -> 96 s), and keeps the vectors "
    "in Rasa's cache folder, so a retraining embeds only new examples. The Rasa process holds "
    "the weights: the whole system's peak memory 888 -> 994 MB (docs/benchmarks.md).",
    "",
]


def _set_lines(figures: dict, targets: bool) -> list[str]:
    """The measures and the per-label table of one held-out set."""

    def target(text: str, ok: bool) -> str:
        return f"{text}{_met(ok)}" if targets else ""

    lines = [
        "| measure | result | target |",
        "|---|---|---|",
        f"| intent accuracy | {figures['accuracy']:.1%} | "
        f"{target('at least 90%', figures['accuracy'] >= 0.9)} |",
        f"| macro-F1 over the set's intents | {figures['macro_f1']:.3f} | |",
        f"| emergency recall | {_pct(figures['emergency']['recall'])} "
        f"({figures['emergency']['items']} items) | "
        f"{target('100%', figures['emergency']['recall'] == 1)} |",
        f"| out-of-scope items answered as an emergency | "
        f"{figures['out_of_scope_answered_as_emergency']} "
        f"| {target('0', figures['out_of_scope_answered_as_emergency'] == 0)} |",
        f"| any non-emergency item answered as an emergency | "
        f"{figures['answered_as_emergency_wrongly']} | |",
        f"| answered with the low-confidence fallback | {figures['low_confidence_fallbacks']} | |",
        f"| mean parse time | {figures['parse_ms_mean']} ms | |",
        "",
        f"Emergencies caught: {figures['emergency']['caught_by_model']} by the model (its top "
        "intent, or emergency at the threshold or above), "
        f"{figures['emergency']['caught_by_patterns']} by the danger patterns (some by both).",
        "",
        "| generic intent | items | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for label, v in figures["per_label"].items():
        lines.append(
            f"| {label} | {v['support']} | {v['precision']:.2f} | {v['recall']:.2f} "
            f"| {v['f1']:.2f} |"
        )
    return lines


def _met(ok: bool) -> str:
    return " (met)" if ok else " (not met)"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "vawg.tar.gz")
    parser.add_argument("--skip-cv", action="store_true", help="leave out cross-validation")
    args = parser.parse_args()
    if not args.model.exists():
        raise SystemExit(f"no model at {args.model}: run scripts/setup.sh first")
    logging.disable(logging.WARNING)

    import rasa

    result: dict = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "rasa_version": rasa.__version__,
        "model": str(
            args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model
        ),
        "external": evaluate_external(args.model),
        "development": evaluate_development(args.model),
    }
    for key, _, path, _, _ in LATER_DEVELOPMENT_SETS:
        result[key] = evaluate_development(args.model, path)
    result["chatterbot"] = evaluate_chatterbot(args.model)
    if not args.skip_cv:
        result["cross_validation"] = cross_validate()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_report(result)
    ext = result["external"]
    print(
        f"external set: accuracy {ext['accuracy']:.1%}, macro-F1 {ext['macro_f1']:.3f}, "
        f"emergency recall {_pct(ext['emergency']['recall'])}, "
        f"out-of-scope answered as emergency {ext['out_of_scope_answered_as_emergency']}"
    )
    dev = result["development"]
    print(
        f"development set: accuracy {dev['accuracy']:.1%}, macro-F1 {dev['macro_f1']:.3f}, "
        f"emergency recall {_pct(dev['emergency']['recall'])} of {dev['emergency']['items']}, "
        f"out-of-scope answered as emergency {dev['out_of_scope_answered_as_emergency']}"
    )
    for key, title, _, _, _ in LATER_DEVELOPMENT_SETS:
        figures = result[key]
        print(
            f"{title}: accuracy {figures['accuracy']:.1%}, "
            f"emergency recall {_pct(figures['emergency']['recall'])} of "
            f"{figures['emergency']['items']}, "
            f"answered as emergency wrongly {figures['answered_as_emergency_wrongly']}"
        )
    if "cross_validation" in result:
        cv = result["cross_validation"]
        print(
            f"cross-validation ({cv['folds']} folds): accuracy {cv['accuracy']:.1%}, "
            f"macro-F1 {cv['macro_f1']:.3f}, emergency recall {cv['emergency_recall']:.1%}"
        )
    probe = result["chatterbot"]
    if probe:
        print(f"ChatterBot probe: {probe['out_of_scope']} of {probe['items']} out of scope")
    else:
        print(f"ChatterBot probe: left out ({CHATTERBOT} could not be fetched)")
    print(f"wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

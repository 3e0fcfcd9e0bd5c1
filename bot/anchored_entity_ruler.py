"""The entity ruler tries only the token patterns whose words are in the message.

Why: the project's spaCy pipeline (blank English and an entity ruler from
data/spacy/patterns.jsonl) tried each of its ~370 token patterns at every token of every
message: 9% of the Rasa process's samples at 50 concurrent conversations (py-spy,
2026-11-27), about 0.6 ms per message, more than the intent classifier.

What: almost every token pattern has a token it cannot do without, given as words
(`{"LOWER": "knife"}` or `{"LOWER": {"IN": [...]}}`, not optional). `AnchoredMatcher`
files each pattern under the rarest such set of words (the smallest one) and keeps one
spaCy Matcher per set; a message runs only the matchers whose words it contains, plus one
for the patterns without such a token. A pattern whose word is missing cannot match, so
the matches are the ones the ruler's single Matcher finds, under the same keys; the ruler
does the rest as before (longest first, overlaps dropped). `install()` puts it into every
spaCy pipeline Rasa's SpacyNLP loads; tests/bot/test_anchored_entity_ruler.py compares the
entities with the ruler's own on the project's training examples and every pattern test.

Also: a form of abuse named inside a danger match ("he raped me like an hour ago") is kept.
The ruler keeps only the longest of overlapping matches, so the danger span swallowed the
`abuse_type` match inside it, the message's abuse type was lost, and the emergency answer
gave the domestic abuse line instead of the rape and sexual abuse one. The same for a service
named with its form of abuse ("national stalking helpline hours?"). `keep_inner_abuse_types`
puts such matches in `doc.spans[INNER_ABUSE_TYPES]`; `doc.ents` stays as the ruler made it.

Imported by the pattern entities component (bot/pattern_entities.py), which config.yml
lists, so training, `rasa run` and the NLU evaluation all load the pipeline with it (in
training, spaCy over the 6,973 training examples took 14 s without it and 3 s with it).
"""

from __future__ import annotations

from typing import Any

from rasa.nlu.utils.spacy_utils import SpacyNLP
from spacy.matcher import Matcher
from spacy.tokens import Span

_ORIGINAL_LOAD = SpacyNLP.load_model
REQUIRED = (None, "+")  # a token the pattern cannot match without
INNER_ABUSE_TYPES = "abuse_types_inside_longer_matches"  # doc.spans key
# the entities whose words can name a form of abuse the ruler would otherwise drop
_CONTAINERS = ("danger", "service")


def anchor(pattern: list[dict[str, Any]]) -> frozenset[str] | None:
    """The smallest set of lower-case words one of the pattern's required tokens must be."""
    best: frozenset[str] | None = None
    for spec in pattern:
        if spec.get("OP") not in REQUIRED:
            continue
        lower = spec.get("LOWER")
        if isinstance(lower, str):
            words = frozenset([lower])
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            words = frozenset(lower["IN"])
        else:
            continue
        if best is None or len(words) < len(best):
            best = words
    return best


class AnchoredMatcher:
    """Token patterns in Matchers by anchor words; called like a spaCy Matcher."""

    def __init__(self, vocab: Any, token_patterns: dict[str, list[list[dict[str, Any]]]]) -> None:
        self.unanchored = Matcher(vocab)
        by_anchor: dict[frozenset[str], Matcher] = {}
        for key, patterns in token_patterns.items():
            for pattern in patterns:
                words = anchor(pattern)
                if words is None:
                    self.unanchored.add(key, [pattern])
                else:
                    by_anchor.setdefault(words, Matcher(vocab)).add(key, [pattern])
        self.matchers = list(by_anchor.values())
        self.by_word: dict[str, list[int]] = {}
        for index, words in enumerate(by_anchor):
            for word in words:
                self.by_word.setdefault(word, []).append(index)

    def __len__(self) -> int:
        return len(self.unanchored) + sum(len(m) for m in self.matchers)

    def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
        active: set[int] = set()
        for token in doc:
            active.update(self.by_word.get(token.lower_, ()))
        matches = list(self.unanchored(doc)) if len(self.unanchored) else []
        for index in sorted(active):
            matches.extend(self.matchers[index](doc))
        return matches


def keep_inner_abuse_types(ruler: Any) -> None:
    """After the ruler sets the entities, its `abuse_type` matches that lie inside a kept
    `danger` or `service` entity go to doc.spans[INNER_ABUSE_TYPES]."""
    set_entities = ruler.set_annotations

    def set_annotations(doc: Any, matches: list[tuple[int, int, int]]) -> None:
        set_entities(doc, matches)
        containers = [(e.start, e.end) for e in doc.ents if e.label_ in _CONTAINERS]
        if not containers:
            return
        inner = []
        for match_id, start, end in matches:
            label, ent_id = ruler._ent_ids.get(match_id, (doc.vocab.strings[match_id], ""))
            if label == "abuse_type" and any(s <= start and end <= e for s, e in containers):
                inner.append(Span(doc, start, end, label=label, span_id=ent_id))
        if inner:
            doc.spans[INNER_ABUSE_TYPES] = inner

    ruler.set_annotations = set_annotations


def anchor_rulers(language: Any) -> None:
    """Gives each entity ruler in a loaded spaCy pipeline an AnchoredMatcher, and keeps the
    forms of abuse named inside danger matches."""
    for _, pipe in language.pipeline:
        if hasattr(pipe, "token_patterns") and hasattr(pipe, "matcher"):
            pipe.matcher = AnchoredMatcher(language.vocab, pipe.token_patterns)
            keep_inner_abuse_types(pipe)


def _load_model(spacy_model_name: str) -> Any:
    model = _ORIGINAL_LOAD(spacy_model_name)
    anchor_rulers(model.model)
    return model


def install() -> None:
    """Idempotent: SpacyNLP's loaded pipelines get anchored rulers."""
    SpacyNLP.load_model = staticmethod(_load_model)  # type: ignore[method-assign]


def installed() -> bool:
    return SpacyNLP.load_model is _load_model


install()

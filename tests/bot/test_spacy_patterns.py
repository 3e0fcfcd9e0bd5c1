"""The rule layer of danger detection and the entity patterns, on the built spaCy pipeline.

Runs in the Rasa environment: `.venv-rasa/bin/python -m pytest tests/bot`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
import yaml

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ROOT / "data" / "spacy" / "patterns.jsonl"


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_vawg_patterns")


def danger_ids(nlp, text: str) -> set[str]:
    return {e.ent_id_ for e in nlp(text).ents if e.label_ == "danger"}


DANGER = [
    # threats to kill
    ("he said he'll kill me", "threat_to_kill"),
    ("he threatened to kill me", "threat_to_kill"),
    ("my husband is going to kill me", "threat_to_kill"),
    ("my husband will kill me", "threat_to_kill"),
    ("my boyfriend says he will kill me if i tell anyone", "threat_to_kill"),
    ("my dad will kill me if i don't marry him", "threat_to_kill"),
    ("she's going to stab me", "threat_to_kill"),
    ("hell kill me", "threat_to_kill"),
    ("he keeps sending me death threats", "threat_to_kill"),
    ("he wants me dead", "threat_to_kill"),
    ("he told me i'll be dead by morning", "threat_to_kill"),
    ("he said he would burn the house down", "threat_to_kill"),
    ("they're going to kill us", "threat_to_kill"),
    ("he’s going to kill me", "threat_to_kill"),  # a phone's curly apostrophe
    # weapons
    ("he's got a knife", "weapon"),
    ("my ex has a gun", "weapon"),
    ("he just grabbed a kitchen knife", "weapon"),
    ("he came at me with a hammer", "weapon"),
    ("he's outside with a knife", "weapon"),
    ("he held a knife to my throat", "weapon"),
    ("he stabbed me", "weapon"),
    # strangulation
    ("he choked me", "strangulation"),
    ("his hands around my neck", "strangulation"),
    ("he grabbed me by the throat", "strangulation"),
    ("i was strangled last night", "strangulation"),
    ("my husband tried to strangle me", "threat_to_kill"),
    ("i can't breathe", "strangulation"),
    ("he put a pillow over my face", "strangulation"),
    # here now
    ("he's outside my door", "present_now"),
    ("hes outside", "present_now"),
    ("he is trying to get in", "present_now"),
    ("my ex is banging on the door", "present_now"),
    ("he's on his way here", "present_now"),
    ("he's here now", "present_now"),
    ("he locked me in the bedroom", "present_now"),
    ("i'm hiding from him", "present_now"),
    ("he followed me home", "present_now"),
    ("someone is trying to get into my flat", "present_now"),
    ("he won't let me leave the room", "present_now"),
    # an attack now
    ("he is hitting me", "attack_now"),
    ("i'm being attacked", "attack_now"),
    ("he raped me just now", "attack_now"),
    ("i need an ambulance", "attack_now"),
    # a child in danger
    ("he is hurting my son", "child_danger"),
    ("he's threatening the kids", "child_danger"),
    ("my kids are not safe", "child_danger"),
    ("the baby is being hurt", "child_danger"),
    ("he took the kids and won't bring them back", "child_danger"),
    # cannot talk
    ("i can't talk now", "cannot_talk"),
    ("cant talk hes here", "cannot_talk"),
    ("not safe to talk", "cannot_talk"),
    ("he's in the next room", "cannot_talk"),
    ("he might see this", "cannot_talk"),
    # in danger
    ("i'm in danger", "in_danger"),
    ("im not safe", "in_danger"),
    ("i'm scared for my life", "in_danger"),
    ("call the police for me", "in_danger"),
    # thoughts of suicide: a risk to life, answered first with 999 too
    ("i want to kill myself", "self_harm"),
    ("i'm going to end my life", "self_harm"),
    ("i've taken a lot of pills", "self_harm"),
    ("i don't want to live", "self_harm"),
    ("i'm tired of living", "self_harm"),
    ("what's the point of going on", "self_harm"),
    ("i've been looking up ways to die", "self_harm"),
    ("i can't take it anymore", "self_harm"),
    ("i'm on the roof", "self_harm"),
    ("i'm going to jump", "self_harm"),
    # someone who is not a partner, and what is happening now
    ("a stranger is dragging me", "attack_now"),
    ("there's blood everywhere", "attack_now"),
    ("it's happening right now", "present_now"),
    ("a man won't let me leave his flat", "present_now"),
    ("i'm being held against my will", "present_now"),
    ("please come quickly", "in_danger"),
    ("he made me do sexual things tonight", "attack_now"),
    # texting spellings of the same phrasings
    ("hes gnna kill me", "threat_to_kill"),
    ("im scared hes finna hurt me", "threat_to_kill"),
    ("sum1 is tryna get in", "present_now"),
    ("pls help me now", "in_danger"),
    # an intruder, being searched for or found
    ("someone is climbing through my bedroom window", "present_now"),
    ("a man climbed over the back fence", "present_now"),
    ("he's searching for me", "present_now"),
    ("he's tracked me down", "present_now"),
    ("he found me", "present_now"),
    ("my ex found out where i live", "present_now"),
    ("he's holding me here", "present_now"),
    ("i can't get out of the house", "present_now"),
    ("i need to escape now", "present_now"),
    ("i need to get away from him", "present_now"),
    # suffocation, drowning, held down
    ("he put a plastic bag over my head", "strangulation"),
    ("he held my head under the water", "strangulation"),
    ("he pinned me down and raped me", "attack_now"),
    # threats in other words
    ("he's going to end me", "threat_to_kill"),
    ("my ex said he'll finish me", "threat_to_kill"),
    ("he said i won't see the morning", "threat_to_kill"),
    ("you're a dead woman", "threat_to_kill"),
    ("he poured petrol in the hallway", "threat_to_kill"),
    # weapons in other verbs
    ("he's sharpening a knife", "weapon"),
    ("he is swinging a hammer", "weapon"),
    # dragged away, heard through the wall
    ("he dragged me into his car", "attack_now"),
    ("they bundled her into a van", "attack_now"),
    ("i can hear my neighbour screaming", "attack_now"),
    ("i can hear her being beaten", "attack_now"),
    ("she's screaming for help", "attack_now"),
    # asking for help urgently
    ("please help hes coming", "in_danger"),
    ("help help", "in_danger"),
    ("i need help right now", "in_danger"),
    ("i dont feel safe he's drunk", "in_danger"),
    # self-harm in other words
    ("i've cut my wrists", "self_harm"),
    ("i want to end everything", "self_harm"),
    ("i don't want to wake up", "self_harm"),
    # an overdose with a quantity word, and hearing him approach inside the home
    ("i just took a whole packet of paracetamol", "self_harm"),
    ("i've swallowed a full bottle of sleeping pills", "self_harm"),
    ("i took two packets of paracetamol", "self_harm"),
    ("i took 30 paracetamol", "self_harm"),
    ("i can hear him on the stairs", "present_now"),
    ("i can hear him coming up the stairs", "present_now"),
    ("i can hear my husband on the landing", "present_now"),
    ("i heard his key in the door", "present_now"),
    # the guards below must leave these danger cases matching
    ("he's at the door with a knife", "present_now"),
    ("he's on his way home", "present_now"),
    ("i'm bleeding from a cut", "attack_now"),
    ("i'm hiding from my husband", "present_now"),
    ("i'm going to jump in the river", "self_harm"),
    ("if he sees this he will kill me", "cannot_talk"),
]


@pytest.mark.parametrize("text, kind", DANGER)
def test_danger_patterns_match(nlp, text, kind):
    assert kind in danger_ids(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "this headache is killing me",
        "my feet are killing me",
        "the suspense is killing me",
        "my boss will kill me if i'm late",
        "my mum will kill me if i get home late",
        "my wife will kill me if i forget our anniversary",
        "my dad will kill me if i fail my exams",
        "i could murder a pizza",
        "i'd kill for a coffee",
        "kill me now, this meeting is so boring",
        "i cut the onions with a sharp knife",
        "what's the best knife for chopping onions",
        "i've got a hammer for the shelves",
        "i keep a knife in the kitchen drawer",
        "the film was a knockout",
        "i choked on my dinner",
        "the deadline is choking me",
        "i'm going to strangle my printer",
        "i can't talk to my mum about this",
        "i can't breathe through my nose with this cold",
        "i'm in danger of missing my train",
        "i'm dying to see that film",
        "i want to die of embarrassment",
        "i'm being followed on instagram",
        "i keep being hit on at work",
        "there's a parcel outside my door",
        "i'm trying to get into university",
        "i'm locked in a two year phone contract",
        "my son is outside playing football",
        "she's coming over for dinner tonight",
        "she's on her way to the shops",
        "he is in prison",
        "my friend is in an abusive relationship",
        "he's going to shoot the penalty",
        "he's listening to music",
        "should i call the police",
        "i took my pills this morning",
        "i took the kids and left",
        "i want to end it all with him",
        "is it safe to talk",
        "what's the point of this meeting",
        "i can't do this homework anymore",
        "is there no way out of this contract",
        "the kids are jumping on the bed",
        "it's happening next week",
        "come quickly if you want a seat",
        # guards for the texting, intruder, threat and help patterns
        "this week is going to end me",
        "she tried to end me with that joke",
        "he found me a great flat",
        "he is looking for me at the station",
        "my mum is looking for me",
        "i won't see you tomorrow",
        "i won't survive the night shift",
        "dead man walking is a great film",
        "i cut my wrist on a broken glass",
        "i need to get away from my desk",
        "i need to escape this heat",
        "we need to get out of here before the rain",
        "i can't get out of bed",
        "i can't get out of this contract",
        "my mum dragged me into the shop",
        "i need help right now with my essay",
        "please help me find a refuge",
        "pls help me with my cv",
        "i'm ready to get help now",
        "he pinned me down while we were wrestling",
        "my brother held me down and tickled me",
        "the kids are screaming for ice cream",
        "i heard my neighbour screaming at the football",
        "i can hear someone being sick next door",
        "i don't want to wake up early tomorrow",
        "my dad is sharpening the knives for sunday lunch",
        "she's holding me in her arms",
        "i end everything with a smiley",
        "i don't feel safe walking home at night",
        "someone's trying to get into my instagram",
        "my cat climbed over the fence",
        "he's hunting for a new job",
        "i put my hands over my face and laughed",
        "what's the best way to kill weeds",
        # guards for everyday phrasings the older patterns caught
        "i can't breathe in this heat",
        "i'm going to jump on the bus",
        "can't talk now i'm driving",
        "i'm whispering because the baby is asleep",
        "my boyfriend is outside waiting in the car to take me to dinner",
        "my partner is in the kitchen making dinner",
        # everyday sentences with a danger phrase inside
        "he's at the door with the shopping",
        "my husband is at the front door with the groceries",
        "she's at the door with a pizza",
        "he's on his way home from work",
        "she's on her way back from the gym",
        "my dad is on his way home from the office",
        "i'm bleeding from a paper cut",
        "she's bleeding from a papercut",
        "i'm bleeding a bit after shaving",
        "i want to die my hair pink",
        "i wanna die my hair blue",
        "let's jump in the pool",
        "i'm going to jump in the pool",
        "i'm going to jump into the swimming pool",
        "he's in the next room watching football",
        "my husband is in the lounge playing xbox",
        "i'm hiding from my boss",
        "i'm hiding from the rain",
        "is it abuse if he reads my messages",
        "is it normal if she reads my texts",
        "is it controlling if he reads my emails",
        "i can't breathe, i'm laughing so much",
        "i can't breathe from laughing",
        "cant breathe lmao",
        "i took 2 paracetamol for my headache",
    ],
)
def test_everyday_idioms_do_not_match(nlp, text):
    assert danger_ids(nlp, text) == set()


@pytest.mark.parametrize(
    "text, label, value",
    [
        ("what is coercive control", "abuse_type", "coercive_control"),
        ("someone is stalking me", "abuse_type", "stalking"),
        ("what is so-called honour based abuse", "abuse_type", "honour_based_abuse"),
        ("my partner controls my money", "abuse_type", "economic_abuse"),
        ("he took my passport", "abuse_type", "modern_slavery"),
        ("he shared my nudes", "abuse_type", "intimate_image_abuse"),
        ("what is fgm", "abuse_type", "fgm"),
        ("he installed spyware on my phone", "topic", "tech_abuse"),
        ("support in Notting Hill", "borough", "kensington_chelsea"),
        ("help in westminster", "borough", "westminster"),
        ("my friend needs help", "audience", "friend_family"),
        ("i'm 15 and scared", "audience", "child_young_person"),
        ("i’m 15 and scared", "audience", "child_young_person"),
        ("im 15 and scared", "audience", "child_young_person"),
        ("i'm a social worker", "audience", "professional"),
        ("i think i'm the abuser", "audience", "own_behaviour"),
        ("is there someone who speaks arabic", "language", "ar"),
        ("i'm deaf", "language", "bfi"),
    ],
)
def test_entities_carry_canonical_values(nlp, text, label, value):
    assert (label, value) in {(e.label_, e.ent_id_) for e in nlp(text).ents}


def test_a_friend_in_the_plural_is_not_the_audience(nlp):
    labels = {e.label_ for e in nlp("he won't let me see my friends").ents}
    assert "audience" not in labels


def pattern_ids(label: str) -> set[str]:
    lines = PATTERNS.read_text(encoding="utf-8").splitlines()
    return {p["id"] for p in map(json.loads, lines) if p["label"] == label}


def test_entity_values_are_the_directorys_ids():
    taxonomy = pytest.importorskip("services_directory.taxonomy")
    areas = pytest.importorskip("services_directory.areas")
    assert pattern_ids("abuse_type") <= set(taxonomy.ABUSE_TYPE.terms)
    assert pattern_ids("audience") <= set(taxonomy.AUDIENCE.terms)
    assert pattern_ids("language") <= set(taxonomy.LANGUAGES)
    assert pattern_ids("borough") <= set(areas.BOROUGHS)


def test_every_form_of_abuse_the_patterns_know_has_its_own_answer():
    domain = yaml.safe_load((ROOT / "bot" / "domain" / "abuse_types.yml").read_text())
    variants = domain["responses"]["utter_abuse_type"]
    answered = {
        (v["condition"][0]["value"], v.get("channel")) for v in variants if "condition" in v
    }
    for value in pattern_ids("abuse_type") | pattern_ids("topic"):
        assert (value, None) in answered, value
        assert (value, "sms") in answered, value


# -- the NLU component: danger wins, guards never become entities ---------------------------


@pytest.fixture(scope="module")
def component():
    from bot.pattern_entities import PatternEntities

    return PatternEntities()


def run_component(component, nlp, text: str, intent: str) -> dict:
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    component.process([message])
    return message.as_dict(only_output_properties=False)


def test_a_danger_pattern_forces_the_emergency_intent(component, nlp):
    parsed = run_component(component, nlp, "he said he'll kill me", "greet")
    assert parsed["intent"]["name"] == "emergency"
    assert parsed["danger_rule_overrode"] == "greet"


def test_an_idiom_guard_is_not_an_entity_and_forces_nothing(component, nlp):
    parsed = run_component(component, nlp, "i'm in danger of missing my train", "out_of_scope")
    assert parsed["intent"]["name"] == "out_of_scope"
    assert [e for e in parsed.get("entities", []) if e["entity"] == "not_danger"] == []

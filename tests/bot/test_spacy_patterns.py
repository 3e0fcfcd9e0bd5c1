"""The rule layer of danger detection and the entity patterns, on the built spaCy pipeline.

Runs in the Rasa environment: `.venv-rasa/bin/python -m pytest tests/bot`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
import yaml

from bench.nlu_eval import training_examples

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
    # a past attempt, and self-injury by biting
    ("i attempted twice before and i feel the same now", "self_harm"),
    ("ive attempted suicide", "self_harm"),
    ("i keep biting myself till it bleeds", "self_harm"),
    ("bit my arm so hard it bruised", "self_harm"),
    # words cut into her skin, a blade to her body, hurting herself on walls; a past attempt
    # she regrets surviving; a farewell: too late, soon nothing matters, her children left
    ("i scratched his name into my arm with a pin", "self_harm"),
    ("been carving words in my thigh again", "self_harm"),
    ("took a blade to my wrists last night and again today", "self_harm"),
    ("keep putting the razor across my stomach", "self_harm"),
    ("banging my head against the wall till it bleeds", "self_harm"),
    ("i regret it didnt work last time", "self_harm"),
    ("wish the tablets had worked", "self_harm"),
    ("its too late for me now", "self_harm"),
    ("it's too late for me, tell my mum sorry", "self_harm"),
    ("nothing of this will matter soon", "self_harm"),
    ("soon it won't matter", "self_harm"),
    ("going to make it all stop for good", "self_harm"),
    ("i hope someone will look after my daughter", "self_harm"),
    # beside the guards for a worry and for a group: the attack itself still counts
    ("my friend's bf is hurting her right now", "attack_now"),
    ("i've been assaulted", "attack_now"),
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
    # an attacker named indirectly, at the door or in the building now
    ("the man who attacked me is at my door", "present_now"),
    ("the guy who assaulted me last year is on my doorstep", "present_now"),
    ("my ex is outside the flat banging on the door", "present_now"),
    ("the bloke who hurt me is in my building", "present_now"),
    ("the guy that attacked me is downstairs in the lobby", "present_now"),
    ("the man who raped me’s outside", "present_now"),
    ("the man who stalks me is outside my house in Bayswater", "present_now"),
    ("the one who attacked me is at my door again", "present_now"),
    ("my rapist is outside my flat", "present_now"),
    ("my stalker is at my door", "present_now"),
    ("my abuser is on my doorstep", "present_now"),
    ("he is on my doorstep", "present_now"),
    ("my ex is in my building", "present_now"),
    # being followed right now
    ("someone has followed me off the bus", "present_now"),
    ("a man's been following me since the station and he's still behind me", "present_now"),
    ("a man’s been following me since Marble Arch", "present_now"),
    ("this car keeps slowing down next to me", "present_now"),
    ("a van keeps slowing down beside me", "present_now"),
    ("theres a guy following me from the tube", "present_now"),
    ("a man followed me off the tube at Edgware Road", "present_now"),
    ("sum1 followed me off the bus at notting hill gate", "present_now"),
    ("he followed me off the train", "present_now"),
    ("this bloke keeps following me", "present_now"),
    ("i'm being followed on the tube", "present_now"),
    ("he's following me on the bus", "present_now"),
    ("someone is following me around the shop", "present_now"),
    # a weapon or household object used in an attack
    ("she's gone for me with a hammer", "weapon"),
    ("hes just gone for me with a bat", "weapon"),
    ("he went for me with a knife", "weapon"),
    ("he came at me with a broken bottle", "weapon"),
    ("she came at me with an iron", "weapon"),
    ("he's just swung a bat at me", "weapon"),
    ("he threw a knife at me", "weapon"),
    ("he threw a chair at me", "weapon"),
    ("he threw a glass at my head", "weapon"),
    ("he smashed a bottle over my head", "weapon"),
    ("he hit me with a frying pan", "weapon"),
    ("he hit me over the head with a chair", "weapon"),
    # held or pinned by the throat or neck
    ("he pinned me to the wall by my throat", "strangulation"),
    ("he pinned me against the door by my neck", "strangulation"),
    ("he held me up against the wall by my throat", "strangulation"),
    ("held me by the neck till i couldnt breathe", "strangulation"),
    ("had his hands round my neck", "strangulation"),
    ("his hands were round my neck", "strangulation"),
    ("he had me by the throat", "strangulation"),
    ("he held me down by my neck", "strangulation"),
    # just escaped, out with nothing, on a stranger's phone
    ("i've just run out of the house with nothing", "in_danger"),
    ("ive run out with no shoes and no phone", "in_danger"),
    ("i just ran out of the flat with no shoes on", "in_danger"),
    ("i got away from him and i'm on a strangers phone", "in_danger"),
    ("im using a strangers phone he took mine", "in_danger"),
    ("this is a strangers phone, i ran away from him", "in_danger"),
    ("im texting from a stranger's phone", "in_danger"),
    ("i just got away from him", "in_danger"),
    ("ive just got away from my husband", "in_danger"),
    ("i’ve just escaped from my ex", "in_danger"),
    # urgency on its own
    ("please hurry", "in_danger"),
    ("plz hurry", "in_danger"),
    ("pls hurry!!", "in_danger"),
    ("hurry please", "in_danger"),
    ("hurry up please send someone", "in_danger"),
    ("come quick", "in_danger"),
    ("come quick hes here", "in_danger"),
    ("come quickly please", "in_danger"),
    # the abuser beside them, asking for a disguised reply
    ("he's sat right next to me so reply like it's a shopping list", "cannot_talk"),
    ("hes beside me make it look like a normal text", "cannot_talk"),
    ("he's sitting next to me reply like you're my friend", "cannot_talk"),
    ("he's next to me, pretend you're my mum", "cannot_talk"),
    ("my husband is right beside me so make it look normal", "cannot_talk"),
    ("hes sat next to me dont reply anything obvious", "cannot_talk"),
    ("hes right next to me dont mention refuges", "cannot_talk"),
    ("he’s right next to me so reply like it’s a normal text", "cannot_talk"),
    ("reply like it's a shopping list he's watching", "cannot_talk"),
    ("make it look like a normal text, he checks my phone", "cannot_talk"),
    # a rape or sexual assault within the last hours
    ("i was raped an hour ago", "attack_now"),
    ("i was raped half an hour ago", "attack_now"),
    ("a guy raped me 2 hours ago", "attack_now"),
    ("he raped me last night and i dont know what to do", "attack_now"),
    ("i've just been sexually assaulted", "attack_now"),
    ("i got raped earlier", "attack_now"),
    ("i was raped this morning", "attack_now"),
    ("i think i was raped last night, i woke up in his flat", "attack_now"),
    ("i was sexually assaulted on the way home tonight", "attack_now"),
    ("i was assaulted at a party in soho last night", "attack_now"),
    ("he sexually assaulted me an hour ago", "attack_now"),
    ("i was raped by my ex just now", "attack_now"),
    ("he forced himself on me last night", "attack_now"),
    # a hedge before the time, as people text it
    ("he forced himself on me like 20 mins ago", "attack_now"),
    ("he raped me like an hour ago", "attack_now"),
    ("i was sexually assaulted around 2 hours ago", "attack_now"),
    ("i got groped literally 10 mins ago", "attack_now"),
    # FGM or a forced marriage about to happen
    ("they're going to cut my little sister this weekend", "child_danger"),
    ("they’re gonna cut my lil sister", "child_danger"),
    ("they are going to cut my daughter", "child_danger"),
    ("they want to cut my sister when we go back home", "child_danger"),
    ("my aunt's arranged to cut my niece over half term", "child_danger"),
    (
        "they're going to do it to my daughter when we go to see family in the holidays",
        "child_danger",
    ),
    ("they're taking my sister to have fgm done next week", "child_danger"),
    ("they've booked a cutter for my niece", "child_danger"),
    ("my mum says my daughter will be cut when we visit grandma", "child_danger"),
    ("they're going to circumcise my daughter", "child_danger"),
    ("my sister's getting cut next week", "child_danger"),
    ("my family are going to cut me in the summer holidays", "in_danger"),
    ("my parents are taking me abroad next week to marry me off and i cant say no", "in_danger"),
    ("my parents are going to marry me off next month", "in_danger"),
    ("my dad is forcing me to marry a man i've never met next week", "in_danger"),
    ("im being forced to marry my cousin this summer", "in_danger"),
    ("they're making me get married on saturday", "in_danger"),
    ("they are sending me to pakistan to get married", "in_danger"),
    # "gonna" is split into "gon" + "na"; breaking up is no trivial reason
    ("he's gonna kill me", "threat_to_kill"),
    ("my ex is gonna hurt me", "threat_to_kill"),
    ("they’re gonna kill us", "threat_to_kill"),
    ("my boyfriend will kill me if i break up with him", "threat_to_kill"),
    ("my husband is going to kill me if i break up with him", "threat_to_kill"),
    # the new guards must leave these danger cases matching
    ("he'll kill me if i leave", "threat_to_kill"),
    ("i'm trapped here for hours", "present_now"),
    ("i'm trapped in the house", "present_now"),
    ("he's strangling me", "threat_to_kill"),
    ("i was strangled", "strangulation"),
    # not feeling safe, said of oneself
    ("i don't feel safe", "in_danger"),
    ("i dont feel safe at home", "in_danger"),
    ("i really do not feel safe around him tonight", "in_danger"),
    ("idont feel safe", "in_danger"),
    ("im not safe here", "in_danger"),
    ("we don't feel safe in our own home", "in_danger"),
    ("i feel so unsafe", "in_danger"),
    # the abuser named by what he did, and being held
    ("the man who trafficked me is outside", "present_now"),
    ("the guy that raped me is here right now", "present_now"),
    ("they took my passport and won't let me go", "in_danger"),
    ("he wont let me leave", "present_now"),
    ("he won't let me leave until he's finished with me", "present_now"),
    ("they won't let me go home", "present_now"),
    # a child telling that mum is being hurt, fragments, forced swallowing, an attack just now
    ("i'm 12 and my brother is hitting my mum with a chair", "attack_now"),
    ("dad is hurting mummy", "attack_now"),
    ("help mum being hurt", "attack_now"),
    ("mummys bleeding", "attack_now"),
    ("he made me drink bleach", "attack_now"),
    ("they forced her to swallow pills", "attack_now"),
    ("sorry my english not good. husband hit me now very bad", "attack_now"),
    ("i was raped about an hour ago and i dont know what to do", "attack_now"),
    ("i was assaulted 20 minutes ago", "attack_now"),
    ("not safe. cant talk.", "cannot_talk"),
    ("not safe. cant talk.", "in_danger"),
    ("i cant talk, he's in the next room", "cannot_talk"),
    ("pls come", "in_danger"),
    ("please come now he's here", "in_danger"),
    ("someone come and help me", "in_danger"),
    ("come quick", "in_danger"),
    ("send help", "in_danger"),
    ("im so scared rn", "in_danger"),
    ("i'm terrified right now", "in_danger"),
    # guards must not hide a real threat next to them
    ("he's gonna kill me, i called the police and they're not here", "threat_to_kill"),
    ("he's going to kill me, i locked myself in the bathroom", "threat_to_kill"),
    ("sos he's here", "in_danger"),
    ("sos what do i do", "in_danger"),
    # threats of punishment
    ("he is going to teach me a lesson i won't forget", "threat_to_kill"),
    ("he's gonna teach me a lesson when i get home", "threat_to_kill"),
    ("he said he'll make me pay for this", "threat_to_kill"),
    ("my father in law wants to teach me a lesson", "threat_to_kill"),
    # held, close by, pills ready, a parent not waking
    ("they lock us in a flat and men come every night, please help tonight", "present_now"),
    ("please help tonight", "in_danger"),
    ("i've got the tablets in front of me now", "self_harm"),
    ("he's five minutes away and he's furious", "present_now"),
    ("he's come back with his mates", "present_now"),
    ("my mum isnt waking up and theres bruises on her face", "attack_now"),
    ("my mum won't wake up", "attack_now"),
    ("guess who's turned up drunk with a crowbar", "weapon"),
    # the negative forms, now that the positive ones ("i can talk now") no longer match
    ("i cant talk now", "cannot_talk"),
    ("i cant talk.", "cannot_talk"),
    ("i cannot go on", "self_harm"),
    ("i cant keep living like this", "self_harm"),
    ("i won't be here much longer", "self_harm"),
    ("i will never see the morning", "threat_to_kill"),
    ("he will not let me leave the room", "present_now"),
    ("they're not letting me leave", "present_now"),
    ("i can't get out of the house, he's locked it", "present_now"),
    ("my mum not breathing", "attack_now"),
    ("mummy wont wake up", "attack_now"),
    ("my son has taken an overdose", "child_danger"),
    ("her boyfriend is hurting her right now", "attack_now"),
    ("he had me pinned against the wall by my throat", "strangulation"),
    ("she poured boiling water over me", "attack_now"),
    ("he threw bleach in my face", "attack_now"),
    # an attack in the passive, as recent as the active forms above
    ("i got punched again last night", "attack_now"),
    ("i was slapped this morning", "attack_now"),
    ("got kicked earlier", "attack_now"),
    # asking for a lethal amount
    ("how many paracetamol would it take", "self_harm"),
    ("how many sleeping pills would it take", "self_harm"),
    ("how many pills does it take to die", "self_harm"),
    ("how many tablets to end it", "self_harm"),
    ("how much insulin would kill someone", "self_harm"),
    ("what's a lethal dose of sleeping tablets", "self_harm"),
    # wanting everything to stop or end: the model had taken some for a request to close the chat
    ("i just want it all to stop", "self_harm"),
    ("make it all stop", "self_harm"),
    ("i want everything to end", "self_harm"),
    ("i need all this to stop", "self_harm"),
    ("i want it all to be over", "self_harm"),
    # self-harm in the words and spellings people text (2026-12-07)
    ("i keep burning myself with cigarettes", "self_harm"),
    ("started cutting my thighs", "self_harm"),
    ("been cuttin again", "self_harm"),
    ("relapsed on sh last night", "self_harm"),
    ("self harmin every night", "self_harm"),
    ("i wanna kms", "self_harm"),
    ("i've been stockpiling my antidepressants", "self_harm"),
    ("saving up my sleeping pills", "self_harm"),
    ("swallowed too many on purpose", "self_harm"),
    ("gonna throw myself in front of a lorry", "self_harm"),
    ("thinkin about steppin in front of the tube", "self_harm"),
    ("i could walk into the traffic", "self_harm"),
    ("this is my final goodbye", "self_harm"),
    ("i'll be gone by the morning", "self_harm"),
    ("they'll be fine once i'm gone", "self_harm"),
    ("no one would miss me", "self_harm"),
    ("i'm going to go through with it tonight", "self_harm"),
]


@pytest.mark.parametrize("text, kind", DANGER)
def test_danger_patterns_match(nlp, text, kind):
    assert kind in danger_ids(nlp, text)


EVERYDAY = [
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
    # indirectly named attackers, and everyday visitors at the door
    "the man who fixed my boiler is at my door",
    "the man who delivers our post is at the door",
    "the guy who sold me the sofa is on my doorstep",
    "the man who attacked me is in prison",
    "the man who attacked me was sentenced today",
    "my attacker is in court next week",
    "the man who assaulted me lives in another city now",
    "my abuser is in prison for five years",
    "the woman who hurt my feelings is at the party",
    "he's on the doorstep with the shopping",
    "my ex is on the doorstep with the kids",
    "the man who attacked me was at the door last year",
    "my ex is in the building next to my work",
    # followed online, or by someone harmless
    "a guy keeps following me on instagram",
    "some man is following me on tiktok",
    "a stranger keeps following me online",
    "a guy keeps following me on insta",
    "a man was following me on instagram last year",
    "my dog followed me off the bus",
    "the kids followed me into the kitchen",
    "he followed me on twitter",
    "someone followed me back on insta",
    "i followed a man off the bus to give him his wallet",
    "the bus keeps slowing down next to me",
    "my friend keeps slowing down next to me on our run",
    "a car slowed down next to me to ask for directions",
    "my son followed me off the train",
    "they followed me on instagram yesterday",
    # objects thrown or swung in play
    "she came at me with a question",
    "my dog came at me with a ball",
    "he came over with a bottle of wine",
    "she threw a ball at me",
    "he threw a pillow at me",
    "the kids threw water balloons at me",
    "she hit me with a pillow",
    "he hit me with a snowball",
    "my sister threw a glass of water at me",
    "we threw a party at my flat",
    "she came for me with the car",
    "my mum went for a walk with me",
    "he threw the towel in",
    "i swung a bat at the ball",
    # held by the hand, hugged round the neck
    "he held me by the hand",
    "she grabbed me by the arm to stop me falling",
    "he held me by the waist when we danced",
    "his hands were on my shoulders",
    "my little girl threw her arms around my neck",
    "she threw her arms around my neck and cried",
    "my son put his arms around my neck and hugged me",
    "the debt had me by the throat",
    "he pinned me to the wall in a game of tag",
    # running out of things, strangers' phones found
    "i've run out of milk",
    "we ran out of bread with nothing for lunch",
    "i just ran out of the house late for work",
    "i ran out of the house without my keys",
    "i just got away from work early",
    "i just got out from the dentist",
    "we just got away from the crowds at Oxford Circus",
    "i just ran away from my responsibilities lol",
    "the kids ran out of the house with no shoes on to play in the snow",
    "i ran out of the house with no shoes on to catch the bin men",
    "i found a stranger's phone on the bus",
    "a strangers phone rang in the cinema",
    "i got a text from a strangers phone number",
    "i borrowed a stranger's phone to call an uber",
    "i finally got away from him five years ago",
    # hurry and come quick in everyday messages
    "hurry up and reply lol",
    "please hurry up and reply lol",
    "no hurry",
    "no hurry please",
    "i'm not in a hurry please take your time",
    "in a hurry to get to work",
    "hurry up with my order",
    "please hurry up with my order",
    "please hurry up with the refund",
    "come quick the fireworks are starting",
    "come quick, the film's starting",
    "come quick if you want cake",
    "pls come quick dinner's ready",
    "come quick before the sale ends",
    "what's the hurry",
    # someone beside them, replies in a style
    "my husband is next to me so answer both of our questions",
    "my boyfriend is sitting next to me and says hello",
    "he sat next to me at dinner",
    "reply like a normal person",
    "can you reply like a human",
    "talk to me like you're my friend",
    "how do i make my cv look professional",
    "make it look like a proper letter",
    "he's next to me on the sofa watching telly",
    "she's sat next to me so reply to both of us",
    "my husband is next to me so please answer both questions",
    "he's next to me so please reply quickly",
    # sexual violence long ago, not within hours
    "i was raped years ago",
    "i was raped as a teenager",
    "i was raped when i was 15",
    "he raped me last year",
    "i was sexually assaulted at uni a few years ago",
    "i was abused as a child",
    "i was assaulted at work last year",
    "he hit me last year",
    "i was raped 10 years ago and tonight i told my mum",
    "i was raped like 10 years ago",
    "he assaulted me about 20 years ago",
    "he assaulted me last summer",
    "i was raped by my ex now i'm scared of men",
    "i was raped earlier in my life",
    "i was assaulted earlier this year",
    "i don't want to get raped tonight walking home",
    "i was attacked by a dog last night",
    "my boss abused his power last night",
    # cutting hair, cutting off, weddings
    "they're going to cut my daughter's hair",
    "my mum is going to cut my little sister's fringe",
    "they want to cut my sister out of the will",
    "they're going to cut me out of the will",
    "my parents are going to cut me off",
    "my parents are going to cut me off when i turn 18",
    "my dad is going to cut my allowance",
    "mum's going to cut my sister a slice of cake",
    "my daughter is going to be cut from the netball team",
    "my sister's hours are going to be cut next month",
    "my sister is getting her hair cut this weekend",
    "she's going to cut her losses",
    "they're going to cut her hours",
    "my daughter's cut the cake",
    "my sister's going to get cut from the squad",
    "he's taking me abroad to get married",
    "my son is going to be circumcised next week",
    "my parents are taking me to Italy for my cousin's wedding",
    "my parents are taking me to see my sister get married",
    "my fiance is taking me abroad to get married",
    "we bought a cookie cutter for my niece",
    "what is fgm",
    "how to get fgm reversed",
    "women who have fgm done as children need support",
    "my mum keeps joking about marrying me off",
    "they're going to do it to my daughter's bedroom next week",
    "the nurse is going to do it to my daughter next week",
    "i don't want to marry him yet, we've only been dating two months",
    # idioms with dead, strangling, trapped, kill and murder
    "my phone's dead",
    "my battery is dead",
    "the car's dead",
    "this party is dead",
    "this essay is strangling me",
    "my tie is strangling me",
    "stuck in traffic, i'm trapped here for an hour",
    "trapped in a boring meeting",
    "i'm trapped here for another hour at this conference",
    "i'm going to strangle my brother if he takes my charger again lol",
    "i could kill my sister",
    "my mum is going to kill me when she sees my grades",
    "my boss is going to kill me if I'm late",
    "she'll murder me if I forget the milk",
    "he'll kill me if i'm late again lol",
    "she's going to kill me for forgetting her birthday",
    "this heat is killing me",
    "these shoes are killing me",
    "my husband will kill me if i break his xbox",
    "my wife will kill me if i break another glass",
    "hes gonna kill me for forgetting lol",
    "my husband is gonna kill me if i'm late",
    "my mum's gonna kill me when i get home late",
    "she's gonna kill me if i forget the milk",
    "my boss is gonna kill me",
    "i do feel safe now",
    "i feel safe with my friends",
    "i don't feel safe driving in the snow",
    "i dont feel safe on the roads at night",
    "i'm not safe to drive after that wine",
    "i don't feel safe using this app on my phone",
    "my mum won't let me go to the party",
    "they won't let me go out with my friends on a school night",
    "my dad won't let me go on the school trip",
    "the dentist who hurt me is retiring",
    # abuse that is over, said with "used to"
    "my ex used to strangle me during arguments, we split up years ago",
    "my ex used to threaten to kill me but he moved away",
    "my old boyfriend used to say he'd kill himself if i left",
    "i used to self harm when i was with him",
    "my mum used to shut me in my room when i was little",
    "he hurt me now and then when we were together",
    # hyperbole with the trivial reason after a comma
    "my dad's going to kill me, i dented his car",
    "dad's gonna kill me, i scratched the car on the gatepost",
    "my brother will kill me, i deleted his game save",
    # everyday words near danger words
    "i'm being held hostage by a toddler who won't sleep",
    "the mocks are killing my daughter, she's so stressed",
    "how do i check if there's an airtag hidden in my bag",
    "sos my eyeliner is a mess",
    "please come to our coffee morning",
    "please come and join us for the quiz",
    "i can't talk to my mum about it.",
    "i can't speak english very well",
    "is it not safe?",
    "that'll teach me a lesson for not checking the weather",
    "my ex made me pay for everything",
    "my mum is 5 minutes away",
    "the delivery driver is ten minutes away",
    "my mum isn't answering her phone",
    "he's come back home from work",
    "please help me with my homework",
    # a modal without its negation: these matched when "n't" was optional after "can"/"will"
    "yes i can talk now",
    "he's out, i can talk.",
    "i can speak now he's gone out",
    "i can call now",
    "i can breathe again since i left him",
    "he will let me go out with my friends on friday",
    "i can keep going, i just need some advice",
    "i will be around much more for my sister now",
    "i can go on the bus to the centre",
    "i can get out of the house on tuesdays while he's at work",
    "my mum is moving house next month",
    # guards for questions and controlling behaviour that is not danger now
    "the bindweed is choking my roses",
    "what if i get in danger for helping her?",
    "how do i know if her husband is hurting her",
    "he won't let me go out without him",
    "my daughter has taken over the shopping since my fall",
    "i got hit by a ball yesterday",
    "she poured coffee on me by accident, lol",
    "pour the boiling water over the pasta",
    "we got beaten again last night, 3-0",
    "i was hit last year",
    # dosing questions with no lethal amount in them
    "how many paracetamol can i take in a day",
    "how many ibuprofen can i take with paracetamol",
    "how much insulin should i take before dinner",
    "how long does it take for paracetamol to work",
    "how many tablets do i take for hay fever",
    # one thing to stop, not everything
    "i want the noise to stop",
    "can you make it stop",
    "i want him to stop messaging me",
    "make the bot stop",
    "stop it all",
    # the words of self-harm in everyday senses
    "burnt myself on the oven again",
    "had my hair cut again",
    "i keep my tablets hidden from the kids",
    "collecting my prescription from the pharmacy",
    "saving up my money for a holiday",
    "jumped off the bus at the wrong stop",
    "the cat keeps biting my arm",
    "my toddler nearly ran into the road",
    "i'm going to go through with the divorce",
    "you'll miss me when i'm on holiday",
    # what happened to a group, and a worry about someone else's partner: asked, not now
    "is there anyone who works with trans women who've been assaulted",
    "support for people who have been raped",
    "i think her bf is hurting her, should i say something",
    "worried her husband is hitting her",
    "i attempted twice to call you",
    "it's too late for me to change course now",
    "its too late for me tonight, can we talk tomorrow",
    "i regret that it didn't work out between us",
    "wish the diet had worked",
    "carved the turkey for everyone",
    "a razor on my legs before the beach",
    "hope you can look after my kids on friday",
    "this cream should make it stop itching for good",
    "none of this will matter in ten years, don't stress",
    "i attempted the marathon last year",
    "the dog bit my hand",
    "bit my lip so hard it bled",
    "i bite my nails when im nervous",
]


@pytest.mark.parametrize("text", EVERYDAY)
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
        ("he forced himself on me at the party", "abuse_type", "rape_sexual_violence"),
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
        ("whats the number for rahab", "service", "rahab_london"),
        ("is al-hasaniya open today", "service", "al_hasaniya"),
        ("how do i contact angelou", "service", "angelou_partnership"),
        ("men's advice line number", "service", "mens_advice_line"),
        ("can i call solace women's aid", "service", "solace_womens_aid"),
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


def test_no_training_example_of_another_intent_is_danger_to_the_patterns(nlp):
    """The rule layer answers such a message with 999 whatever its label, so the label only
    teaches the model that danger words go with another intent. Fix the pattern (a guard) if
    the example is not danger, or drop the example if it is."""
    labelled_otherwise = [
        f"{intent}: {text}"
        for intent, texts in training_examples().items()
        if intent != "emergency"
        for text in texts
        if danger_ids(nlp, text.lower())
    ]
    assert labelled_otherwise == []


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


@pytest.mark.parametrize(
    "text",
    ["i need an idva", "my social worker said i should ask", "can a support worker call me"],
)
def test_a_professional_named_is_not_the_person_asking(nlp, text):
    """Only someone saying they are one is asking as a professional: a survivor asking for
    an IDVA must not have the search made for professionals."""
    assert "audience" not in {e.label_ for e in nlp(text).ents}


@pytest.mark.parametrize(
    "text", ["as an idva, what should i do", "i work as a support worker", "social worker here"]
)
def test_a_professional_saying_so_is_asking_as_one(nlp, text):
    assert ("audience", "professional") in {(e.label_, e.ent_id_) for e in nlp(text).ents}

"""The project's vocabularies: taxonomies whose terms are linked to services as ORUK attributes.

Term codes are the ids used in the facts file and in the API's query parameters. Every
taxonomy and term also gets a stable uuid5, so exported ids survive a reseed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

# Fixed namespace for every id the directory derives (services, terms, child rows).
ID_NAMESPACE = uuid.UUID("3db9b815-7381-4d88-befe-605d602dca6e")


def stable_id(*parts: object) -> str:
    """A uuid5 from the given parts: the same parts always give the same id."""
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(part) for part in parts)))


def service_id_for(slug: str) -> str:
    return stable_id("service", slug)


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str
    terms: dict[str, str]  # term code -> human name

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.code)

    def term_id(self, term: str) -> str:
        return stable_id("taxonomy_term", self.code, term)


ABUSE_TYPE = Taxonomy(
    "vawg_abuse_type",
    "VAWG abuse types",
    "Forms of violence and abuse a service helps with (ids from the project's facts file).",
    {
        "domestic_abuse": "Domestic abuse",
        "coercive_control": "Coercive control",
        "rape_sexual_violence": "Rape and sexual violence",
        "fgm": "Female genital mutilation",
        "forced_marriage": "Forced marriage",
        "honour_based_abuse": "Honour-based abuse",
        "spiritual_abuse": "Spiritual abuse",
        "sexual_harassment": "Sexual harassment",
        "stalking": "Stalking",
        "modern_slavery": "Modern slavery",
        "sexual_exploitation": "Sexual exploitation",
        "economic_abuse": "Economic abuse",
        "intimate_image_abuse": "Intimate image abuse",
        "elder_abuse": "Abuse of older people",
        "child_abuse": "Child abuse",
    },
)

AUDIENCE = Taxonomy(
    "vawg_audience",
    "Audiences",
    "Who a service talks to.",
    {
        "survivor": "Someone experiencing or who has experienced abuse",
        "friend_family": "A friend or family member",
        "professional": "A professional",
        "own_behaviour": "Someone worried about their own behaviour",
        "child_young_person": "A child or young person",
    },
)

ELIGIBILITY = Taxonomy(
    "vawg_eligibility",
    "Eligibility",
    "Groups a service says it is for; age limits are in minimum_age and maximum_age.",
    {
        "women_only": "Women only",
        "men": "Open to men",
        "lgbt_plus": "LGBT+ people",
        "age_limited": "Age limits apply",
        "nrpf": "People with no recourse to public funds",
        "sex_workers": "People who sell sex",
        "rough_sleepers": "People sleeping rough",
    },
)

CHANNEL = Taxonomy(
    "vawg_channel",
    "Contact channels",
    "Ways to reach a service.",
    {
        "phone": "Phone",
        "text": "Text message (SMS)",
        "web_chat": "Web chat",
        "email": "Email",
        "bsl_relay": "British Sign Language or text relay",
    },
)

SERVICE_KIND = Taxonomy(
    "vawg_service_kind",
    "Service reach",
    "Local to Westminster and Kensington & Chelsea, national, or an emergency number.",
    {"local": "Local", "national": "National", "emergency": "Emergency"},
)

FOCUS = Taxonomy(
    "vawg_focus",
    "Service focus",
    "Specialist VAWG service, or a general service that also helps.",
    {"specialist": "Specialist", "general": "General"},
)

CONFIDENCE = Taxonomy(
    "vawg_confidence",
    "Confidence in the record",
    "How sure the research is of the record's contact details (see the facts file's header).",
    {"high": "High", "medium": "Medium", "low": "Low"},
)

RECORD = Taxonomy(
    "vawg_record",
    "Record details",
    "Facts about the record itself; the text is in the attribute's value.",
    {
        "record_id": "Human-readable record id",
        "source": "Source",
        "notes": "Research notes (GAP and CONFLICT marked)",
        "has_gap": "Some details are missing (GAP)",
        "has_conflict": "Sources disagree (CONFLICT)",
        "text_contact": "Text contact",
        "online_contact": "Online contact",
    },
)

AVAILABILITY = Taxonomy(
    "vawg_availability",
    "Availability at the asked time",
    "Worked out per request in Europe/London time; the value holds the next opening.",
    {
        "open_24_7": "Open 24 hours, 7 days a week",
        "open_now": "Open now",
        "closed_now": "Closed now",
        "hours_unknown": "Opening hours not known",
    },
)

# Record fields that hold one term code, and those that hold a list of them.
CODE_FIELDS = {"kind": SERVICE_KIND, "focus": FOCUS, "confidence": CONFIDENCE}
LIST_FIELDS = {
    "abuse_types": ABUSE_TYPE,
    "audiences": AUDIENCE,
    "eligibility": ELIGIBILITY,
    "channels": CHANNEL,
}

# The taxonomies whose terms are stored as service attributes (availability is computed).
STORED = (ABUSE_TYPE, AUDIENCE, ELIGIBILITY, CHANNEL, SERVICE_KIND, FOCUS, CONFIDENCE, RECORD)
ALL = (*STORED, AVAILABILITY)
BY_CODE = {taxonomy.code: taxonomy for taxonomy in ALL}

# Languages named in the data: ISO 639-1 codes, or ISO 639-3 where there is no 639-1 code.
LANGUAGES = {
    "en": "English",
    "bfi": "British Sign Language",
    "ar": "Arabic",
    "es": "Spanish",
    "pt": "Portuguese",
    "bn": "Bengali",
    "ku": "Kurdish",
    "tr": "Turkish",
    "so": "Somali",
}

# term id -> (taxonomy, term code), to read attributes back without a join.
TERM_BY_ID = {tax.term_id(code): (tax, code) for tax in ALL for code in tax.terms}

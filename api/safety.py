"""The fixed safety message: the answer when anything behind the gateway fails.

It is the one place outside the directory that names a helpline: it must work when the
directory does not. The domain's `utter_safety_fallback` says the same (a test checks).
"""

SAFETY_MESSAGE = (
    "If you are in danger, call 999. If you can't speak, stay on the line, cough or tap, "
    "and press 55 when asked. National Domestic Abuse Helpline: 0808 2000 247 (free, 24/7)."
)

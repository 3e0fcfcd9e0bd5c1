"""Turns directory records into replies for the web chat and for SMS.

Contact details only ever come from the directory record. A gap stays a gap: with no
phone number we say how the service can be reached, as the record gives it.
"""

from __future__ import annotations

from collections.abc import Iterable

from actions.directory_client import ServiceSummary

SMS = "sms"


def _hours(service: ServiceSummary) -> str | None:
    if service.is_24_7:
        return "open 24/7"
    if service.open_now is True:
        return "open now"
    if service.open_now is False:
        return f"closed now, {service.next_open}" if service.next_open else "closed now"
    return None


def _contact_lines(service: ServiceSummary, channel: str) -> list[str]:
    lines: list[str] = []
    for phone in service.phones[: 1 if channel == SMS else 2]:
        label = f" ({phone.description})" if phone.description and channel != SMS else ""
        lines.append(f"Call {phone.number}{label}")
    if service.text_contact and channel != SMS:
        lines.append(f"Text: {service.text_contact}")
    if service.website:
        lines.append(service.website)
    if not lines and service.how_to_reach:
        lines.append(service.how_to_reach)
    return lines


def render_service(service: ServiceSummary, channel: str) -> str:
    hours = _hours(service)
    if channel == SMS:
        head = service.name + (f" ({hours})" if hours else "")
        return "\n".join([head] + _contact_lines(service, channel))
    lines = [service.name]
    if service.description:
        lines.append(service.description)
    lines += _contact_lines(service, channel)
    if hours:
        lines.append(hours[0].upper() + hours[1:])
    if service.last_verified:
        lines.append(f"Details last checked {service.last_verified:%d %B %Y}")
    return "\n".join(lines)


def render_services(services: Iterable[ServiceSummary], channel: str, intro: str) -> str:
    blocks = [render_service(s, channel) for s in services]
    return "\n\n".join([intro] + blocks)

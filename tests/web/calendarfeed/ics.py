"""Helpers that read a feed without trusting the library that wrote it.

`rfc5545_problems` checks the raw bytes by hand against RFC 5545's line rules and required properties;
`occurrences` expands the recurrences with recurring_ical_events (a separate project from icalendar, which
it uses only to parse).
"""

from __future__ import annotations

import re
from datetime import datetime

import icalendar
import recurring_ical_events

MAX_LINE_OCTETS = 75  # RFC 5545 section 3.1, not counting the CRLF


def unfold(data: bytes) -> list[str]:
    """The content lines, with folded continuations joined (RFC 5545 section 3.1)."""
    lines: list[str] = []
    for raw in data.split(b"\r\n")[:-1]:
        text = raw.decode("utf-8")
        if text[:1] in (" ", "\t"):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def _name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].upper()


def rfc5545_problems(data: bytes) -> list[str]:
    """Every way the raw feed breaks the rules this project relies on; empty when it is fine."""
    problems: list[str] = []
    if not data.endswith(b"\r\n"):
        problems.append("the last line does not end in CRLF")
    for number, raw in enumerate(data.split(b"\r\n")[:-1], start=1):
        if b"\n" in raw or b"\r" in raw:
            problems.append(f"line {number}: a bare CR or LF (lines must end in CRLF)")
        if len(raw) > MAX_LINE_OCTETS:
            problems.append(f"line {number}: {len(raw)} octets, more than {MAX_LINE_OCTETS}")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number}: not UTF-8 (a fold split a character?)")
            return problems
    lines = unfold(data)
    if lines[:1] != ["BEGIN:VCALENDAR"] or lines[-1:] != ["END:VCALENDAR"]:
        problems.append("the feed must start with BEGIN:VCALENDAR and end with END:VCALENDAR")
    problems += _component_problems(lines)
    return problems


REQUIRED = {
    "VCALENDAR": ("PRODID", "VERSION"),
    "VEVENT": ("UID", "DTSTAMP", "DTSTART"),
    "VALARM": ("ACTION", "TRIGGER", "DESCRIPTION"),  # DESCRIPTION is required for ACTION:DISPLAY
    "VTIMEZONE": ("TZID",),
    "STANDARD": ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"),
    "DAYLIGHT": ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"),
}
ONCE_ONLY = {"PRODID", "VERSION", "UID", "DTSTAMP", "DTSTART", "DURATION", "DTEND", "RRULE", "SUMMARY", "TZID"}


def _component_problems(lines: list[str]) -> list[str]:
    problems: list[str] = []
    stack: list[tuple[str, dict[str, int]]] = []
    components: list[str] = []
    zones_defined: set[str] = set()
    zones_used: set[str] = set()
    for line in lines:
        name = _name(line)
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            stack.append((value, {}))
            components.append(value)
            continue
        if name == "END":
            if not stack or stack[-1][0] != value:
                problems.append(f"END:{value} does not close the open component")
                return problems
            component, seen = stack.pop()
            for required in REQUIRED.get(component, ()):
                if required not in seen:
                    problems.append(f"{component} lacks {required}")
            for prop, count in seen.items():
                if prop in ONCE_ONLY and count > 1 and component in ("VCALENDAR", "VEVENT", "VTIMEZONE"):
                    problems.append(f"{component} has {prop} {count} times")
            continue
        if not stack:
            problems.append(f"{line!r} is outside any component")
            continue
        seen = stack[-1][1]
        seen[name] = seen.get(name, 0) + 1
        if stack[-1][0] == "VTIMEZONE" and name == "TZID":
            zones_defined.add(value)
        match = re.search(r";TZID=([^;:]+)", line.split(":", 1)[0])
        if match:
            zones_used.add(match.group(1))
        if name == "DTSTAMP" and not re.fullmatch(r"\d{8}T\d{6}Z", value):
            problems.append(f"DTSTAMP must be a UTC date-time, got {value!r}")
    if stack:
        problems.append(f"{stack[-1][0]} is never closed")
    if "VCALENDAR" in components and len(components) == 1:
        problems.append("a calendar needs at least one component (RFC 5545 section 3.6)")
    for zone in sorted(zones_used - zones_defined):
        problems.append(f"TZID {zone!r} is used without a VTIMEZONE")
    return problems


def property_values(data: bytes, name: str) -> list[str]:
    """Values of every content line with this property name, wherever it is."""
    return [line.split(":", 1)[1] for line in unfold(data) if _name(line) == name.upper()]


def occurrences(data: bytes, start: datetime, end: datetime) -> list[icalendar.Event]:
    """Every event instance from start (inclusive) to end (exclusive), recurrences expanded."""
    calendar = icalendar.Calendar.from_ical(data)
    return list(recurring_ical_events.of(calendar).between(start, end))


def start_of(event: icalendar.Event) -> datetime:
    """The instance's start, which must be a date-time with a zone (never a floating time or an all-day date)."""
    start = event.start
    assert isinstance(start, datetime) and start.tzinfo is not None, f"not a zoned date-time: {start!r}"
    return start

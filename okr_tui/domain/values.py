"""Reading what people type into a value or confidence field, with messages that say what to fix.

One interpretation, used by the CLI and every screen, so "45%", "$1,200" and "done" mean the same
everywhere:
- A unit or currency sign around the number is dropped ("45%", "$1,200", "30 days"). A
  currency sign is refused on a key result whose unit is not money ("$1,200" leads): dropped,
  it would hide a value typed for another key result.
- A comma followed by exactly three digits groups thousands ("1,200"); any other comma is refused
  ("1,5" could mean 1.5 or 15: type "1.5"), and so is an underscore ("1_5", "1_500").
- A multiplier ("5k", "1.2M", "3 bn", "2 million") is refused with the number in full: dropped
  like a unit, "5k" would be stored as 5. Unless it is the key result's own unit: "12 M" of a
  target kept in millions (unit "M") or "400 m" of one in metres reads as typed.
- "nan", "inf" and numbers too large for a float are refused; "-0" is 0.
- Milestones take done / yes / 1 and not done / no / 0.
"""

from __future__ import annotations

import math
import re

from okr_tui.domain.models import Confidence, KrType

MAX_ABS_VALUE = 1e12
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_AROUND = re.compile(r"^[\s$€£¥]*(?P<number>.*?)[\s%]*(?P<unit>[A-Za-z ]*)$")
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_CURRENCY_SIGNS = "$€£¥"
_CURRENCY_WORDS = {
    "usd", "eur", "gbp", "jpy", "chf", "cad", "aud",
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "yen",
}  # fmt: skip
_DONE = {"done", "yes", "y", "1", "true", "x", "✔"}
_NOT_DONE = {"not done", "no", "n", "0", "false", "-", ""}


class ValueInputError(ValueError):
    """What the person typed is not a value; the message says why, for display at the field."""


def is_currency(unit: str) -> bool:
    """True for a unit of money: "$", "€k", "USD", "euros"."""
    words = unit.strip().lower().split()
    return any(sign in unit for sign in _CURRENCY_SIGNS) or bool(
        words and words[0] in _CURRENCY_WORDS
    )


def parse_number(text: str, unit: str = "") -> float:
    """The number in `text`; `unit` is the key result's unit, a suffix never read as a
    multiplier. A currency sign is refused unless the unit is money."""
    raw = text.strip()
    if not raw:
        raise ValueInputError("enter a number")
    sign = next((char for char in raw if char in _CURRENCY_SIGNS), None)
    if sign is not None and not is_currency(unit):
        what = f"is counted in {unit.strip()!r}" if unit.strip() else "has no unit"
        raise ValueInputError(
            f"{raw!r}: this key result {what}, not money: type the number without {sign!r}"
        )
    match = _AROUND.match(raw)
    number = match.group("number").strip() if match else raw
    lowered = number.lower()
    if lowered in {"nan", "+nan", "-nan"}:
        raise ValueInputError("'nan' is not a number")
    if lowered.lstrip("+-") in {"inf", "infinity"}:
        raise ValueInputError("infinity is not a value a key result can reach")
    if "," in number and not _NUMBER.match(number):
        raise ValueInputError(
            f"{raw!r}: use a dot for decimals (1.5) and commas only for thousands"
        )
    if "_" in number:  # float() reads "1_5" as 15, where "1,5" is refused as ambiguous
        raise ValueInputError(f"{raw!r}: type the number without '_' (15, 1.5 or 1,500)")
    cleaned = number.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueInputError(f"{raw!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise ValueInputError(f"{raw!r} is too large")
    suffix = match.group("unit").strip() if match else ""
    multiplier = _MULTIPLIERS.get(suffix.lower())
    if multiplier is not None and suffix.lower() != unit.strip().lower():
        full = value * multiplier
        raise ValueInputError(
            f"{raw!r}: type the number in full ({full:.0f})"
            if full.is_integer()
            else f"{raw!r}: type the number in full"
        )
    return value + 0.0  # turns -0.0 into 0.0


def parse_value(text: str, kr_type: KrType, unit: str = "") -> float:
    """The value of a check-in for a key result of this type and unit."""
    if kr_type is KrType.MILESTONE:
        lowered = text.strip().lower()
        if lowered in _DONE:
            return 1.0
        if lowered in _NOT_DONE:
            return 0.0
        raise ValueInputError("a milestone is 'done' or 'not done' (or 1 / 0)")
    return parse_number(text, unit)


_CONFIDENCE_WORDS = {
    "on_track": Confidence.ON_TRACK,
    "on track": Confidence.ON_TRACK,
    "on-track": Confidence.ON_TRACK,
    "ontrack": Confidence.ON_TRACK,
    "green": Confidence.ON_TRACK,
    "g": Confidence.ON_TRACK,
    "at_risk": Confidence.AT_RISK,
    "at risk": Confidence.AT_RISK,
    "at-risk": Confidence.AT_RISK,
    "atrisk": Confidence.AT_RISK,
    "yellow": Confidence.AT_RISK,
    "y": Confidence.AT_RISK,
    "off_track": Confidence.OFF_TRACK,
    "off track": Confidence.OFF_TRACK,
    "off-track": Confidence.OFF_TRACK,
    "offtrack": Confidence.OFF_TRACK,
    "red": Confidence.OFF_TRACK,
    "r": Confidence.OFF_TRACK,
}


def parse_confidence(text: str) -> tuple[Confidence, int | None]:
    """'on track' / 'at-risk' / 'red' / a 0-10 score -> (level, score or None)."""
    lowered = " ".join(text.strip().lower().split())
    if lowered in _CONFIDENCE_WORDS:
        return _CONFIDENCE_WORDS[lowered], None
    if lowered.isdecimal():  # not isdigit: "²" and "①" are digits int() cannot read
        score = int(lowered)
        if 0 <= score <= 10:
            return Confidence.from_score(score), score
        raise ValueInputError("a confidence score is between 0 and 10")
    raise ValueInputError("confidence is 'on track', 'at risk', 'off track' or a score 0-10")

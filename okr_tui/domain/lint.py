"""Plan advice: gentle notes on a cycle's OKRs (too many objectives, outputs not outcomes).

Advice never blocks saving; a team may have good reasons. Messages are plain text with user
titles inside, so screens must show them as data, never as markup.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from okr_tui.domain.models import KeyResult, KrType, Objective, ObjectiveKind, Status

MAX_OBJECTIVES_PER_TEAM = 3
MIN_KRS_PER_OBJECTIVE = 2
MAX_KRS_PER_OBJECTIVE = 5

# First words that describe work done rather than a result achieved.
ACTIVITY_VERBS = frozenset(
    {
        "launch", "publish", "hold", "run", "write", "create", "build", "ship", "redesign",
        "interview", "organize", "organise", "host", "attend", "send", "post", "implement",
        "release", "complete", "conduct",
    }
)  # fmt: skip
# First words that name a change in a measure; listed so they are never mistaken for activity.
OUTCOME_VERBS = frozenset(
    {
        "increase", "reduce", "improve", "grow", "raise", "cut", "bring", "reach", "boost",
        "shorten", "decrease",
    }
)  # fmt: skip
# Spelled-out amounts that make a title measurable as well as digits do ("double", "three").
NUMBER_WORDS = frozenset(
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand",
        "million", "half", "halve", "double", "triple",
    }
)  # fmt: skip

OUTPUT_MESSAGE = "this reads like an output; which outcome should it move?"

_WORD = re.compile(r"[^\W\d_]+")


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True)
class Advice:
    """One note on the plan, about the team, objective or key result with id `subject_id`."""

    severity: Severity
    subject_id: str
    message: str


def _words(title: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(title)]


def _has_number(title: str) -> bool:
    return any(char.isdigit() for char in title) or not NUMBER_WORDS.isdisjoint(_words(title))


def _reads_like_output(title: str) -> bool:
    words = _words(title)
    return bool(words) and words[0] in ACTIVITY_VERBS and words[0] not in OUTCOME_VERBS


def check_plan(objectives: Sequence[Objective], key_results: Sequence[KeyResult]) -> list[Advice]:
    """Advice on the active objectives and key results, in a stable order: teams, then each
    objective, then each key result. Retired ones are history and get no advice."""
    active_objectives = [objective for objective in objectives if objective.status is Status.ACTIVE]
    retired_ids = {
        objective.id for objective in objectives if objective.status is not Status.ACTIVE
    }
    by_id = {objective.id: objective for objective in active_objectives}
    active_krs = [kr for kr in key_results if kr.is_active and kr.objective_id not in retired_ids]
    advice: list[Advice] = []

    per_team = Counter((objective.cycle_id, objective.team_id) for objective in active_objectives)
    for (_cycle_id, team_id), count in per_team.items():
        if count > MAX_OBJECTIVES_PER_TEAM:
            subject = team_id or "company"
            advice.append(
                Advice(
                    Severity.WARNING,
                    subject,
                    f"{count} active objectives; {MAX_OBJECTIVES_PER_TEAM} or fewer keep the "
                    "team focused on what matters most",
                )
            )

    per_objective = Counter(kr.objective_id for kr in active_krs)
    for objective in active_objectives:
        count = per_objective[objective.id]
        if count < MIN_KRS_PER_OBJECTIVE:
            advice.append(
                Advice(
                    Severity.WARNING,
                    objective.id,
                    f'"{objective.title}" has {count} active key result{"" if count == 1 else "s"};'
                    f" {MIN_KRS_PER_OBJECTIVE} to {MAX_KRS_PER_OBJECTIVE} show whether it is met",
                )
            )
        elif count > MAX_KRS_PER_OBJECTIVE:
            advice.append(
                Advice(
                    Severity.WARNING,
                    objective.id,
                    f'"{objective.title}" has {count} active key results;'
                    f" {MAX_KRS_PER_OBJECTIVE} or fewer keep it readable",
                )
            )

    for kr in active_krs:
        if kr.kr_type is not KrType.MILESTONE and not _has_number(kr.title):
            advice.append(
                Advice(
                    Severity.WARNING,
                    kr.id,
                    f'"{kr.title}" has no number in it; state a baseline and a target, '
                    'e.g. "from 30% to 45%"',
                )
            )
        if _reads_like_output(kr.title):
            advice.append(Advice(Severity.WARNING, kr.id, f'"{kr.title}": {OUTPUT_MESSAGE}'))
        parent = by_id.get(kr.objective_id)
        if kr.kr_type is KrType.MILESTONE and (
            parent is None or parent.kind is not ObjectiveKind.LEARNING
        ):
            advice.append(
                Advice(
                    Severity.INFO,
                    kr.id,
                    f'"{kr.title}" is a milestone; milestones measure activity, so check it '
                    "leads to an outcome",
                )
            )
    return advice

"""The alignment tree: company objectives, the team objectives aligned to them, the personal
objectives under those, each with its key results and figures rolled up from below.

A node's progress is the mean of its own key results' progress (by weight) and its children's
rolled-up progress (one share each), so a company objective reads how the work aligned to it is
going, not only its own key results. Its confidence is the worst one below it, as an objective's
is on the dashboard: one key result off track is never averaged away. Objectives aligned to
nothing hang at the top, under their team. Pure: the board lines and objectives come in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from okr_tui.domain.board import KeyResultLine
from okr_tui.domain.models import Confidence, Level, Objective, Status


@dataclass(frozen=True)
class AlignmentNode:
    objective: Objective
    team_name: str
    key_results: tuple[KeyResultLine, ...]
    children: tuple[AlignmentNode, ...]
    progress: float | None
    """Rolled up from the key results and the objectives below; None with neither."""
    confidence: Confidence | None
    """The worst latest confidence below; None before any check-in."""

    def walk(self, depth: int = 0) -> Iterator[tuple[int, AlignmentNode]]:
        """(depth, node) for this node and every node below it, parents first."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def _rolled_up(
    lines: Sequence[KeyResultLine], children: Sequence[AlignmentNode]
) -> tuple[float | None, Confidence | None]:
    shares = [(line.kr.weight, line.progress) for line in lines]
    shares += [(1.0, child.progress) for child in children if child.progress is not None]
    total = sum(weight for weight, _ in shares)
    progress = sum(weight * value for weight, value in shares) / total if total else None
    confidences = [line.confidence for line in lines if line.confidence is not None]
    confidences += [child.confidence for child in children if child.confidence is not None]
    worst = min(confidences, key=lambda confidence: confidence.rank, default=None)
    return progress, worst


_LEVEL_ORDER = {Level.COMPANY: 0, Level.TEAM: 1, Level.PERSONAL: 2}


def alignment_tree(
    objectives: Sequence[Objective],
    lines: Sequence[KeyResultLine],
    team_names: Mapping[str, str],
) -> list[AlignmentNode]:
    """The roots of the tree (objectives aligned to nothing, company ones first, in plan order),
    each with what is aligned to it. Retired objectives are left out; an objective whose parent
    is retired or missing becomes a root, so nothing disappears."""
    active = [o for o in objectives if o.status is Status.ACTIVE]
    known = {o.id for o in active}
    by_parent: dict[str | None, list[Objective]] = {}
    for objective in active:
        parent = objective.parent_id if objective.parent_id in known else None
        by_parent.setdefault(parent, []).append(objective)
    lines_of: dict[str, list[KeyResultLine]] = {}
    for line in lines:
        lines_of.setdefault(line.objective.id, []).append(line)
    plan_order = {o.id: index for index, o in enumerate(objectives)}

    def build(objective: Objective, seen: frozenset[str]) -> AlignmentNode:
        below = [
            build(child, seen | {child.id})
            for child in by_parent.get(objective.id, [])
            if child.id not in seen  # a loop (refused on save) must not hang the tree
        ]
        own = tuple(lines_of.get(objective.id, ()))
        progress, confidence = _rolled_up(own, below)
        team = team_names.get(objective.team_id, "") if objective.team_id else "Company"
        return AlignmentNode(objective, team, own, tuple(below), progress, confidence)

    roots = sorted(
        by_parent.get(None, []),
        key=lambda o: (_LEVEL_ORDER[o.level], o.team_id is not None, plan_order[o.id]),
    )
    return [build(root, frozenset({root.id})) for root in roots]

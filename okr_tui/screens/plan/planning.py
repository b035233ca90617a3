"""Planning: the cycle's objectives by team (company first) with their key results, and the plan
check beside them.

From here people add, edit and retire objectives and key results, edit the cycle or start a new
one. Retiring keeps the record (with its reason) rather than deleting it. A closed cycle is shown
read-only.
"""

from __future__ import annotations

from enum import Enum

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widget import AwaitMount
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from okr_tui.domain import lint
from okr_tui.domain.dates import WEEKDAY_NAMES
from okr_tui.domain.models import (
    Cycle,
    CycleState,
    KeyResult,
    KrType,
    Objective,
    Status,
    Team,
)
from okr_tui.domain.progress import format_value
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.screens.form import FormScreen
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.plan_check import PlanCheck


class PlanNode(Enum):
    """What a node of the plan tree stands for; its data is (kind, id)."""

    TEAM = "team"  # id: the team's, None for Company, GONE_TEAMS for teams removed since
    OBJECTIVE = "objective"
    KEY_RESULT = "key result"
    HINT = "hint"  # a line of advice, no id
    FIRST = "first"  # not a node: where the cursor goes before it has been anywhere


NodeData = tuple[PlanNode, str | None]
FIRST: NodeData = (PlanNode.FIRST, None)  # no cursor yet: start on the first objective
GONE_TEAMS = "?"
"""The team id of the group of objectives whose team no longer exists."""
WRITE_ACTIONS = {"add_objective", "add_key_result", "edit", "retire", "edit_cycle"}


def objective_label(objective: Objective) -> Text:
    label = Text(objective.title, style="bold")
    details = f"  {objective.level.value} · {objective.kind.value}"
    if objective.owner:
        details += f" · {objective.owner}"
    label.append(details, style="dim")
    if objective.status is Status.RETIRED:
        label.stylize("strike")
        label.append("  retired", style="bold")
    return label


def key_result_figures(kr: KeyResult) -> str:
    """Baseline and target in a few characters: "30% → 45%", "≥ 99.5%", "milestone"."""
    target = format_value(kr.target, kr.unit)
    if kr.kr_type is KrType.MILESTONE:
        return "milestone"
    if kr.kr_type is KrType.STAY_ABOVE:
        return f"stay ≥ {target}"
    if kr.kr_type is KrType.STAY_BELOW:
        return f"stay ≤ {target}"
    return f"{format_value(kr.baseline, kr.unit)} → {target}"


def key_result_label(kr: KeyResult) -> Text:
    label = Text(kr.title)
    details = f"  {key_result_figures(kr)}"
    if kr.owner:
        details += f" · {kr.owner}"
    if kr.weight != 1:
        details += f" · weight {kr.weight:g}"
    label.append(details, style="dim")
    if kr.status is Status.RETIRED:
        label.stylize("strike")
        label.append("  retired", style="bold")
    return label


def cycle_summary(cycle: Cycle) -> Content:
    """One line under the header: dates, meeting slot, cadence and state."""
    weekday = WEEKDAY_NAMES[cycle.meeting_weekday]
    every = "weekly" if cycle.cadence.weeks == 1 else "every 2 weeks"
    text = (
        f"{cycle.start.isoformat()} – {cycle.end.isoformat()} · {weekday}s "
        f"{cycle.meeting_time.strftime('%H:%M')} {cycle.timezone} · {every} · {cycle.state.value}"
    )
    if cycle.skipped_dates:
        text += f" · {len(cycle.skipped_dates)} skipped"
    return Content(text)


class PlanTree(Tree[NodeData]):
    """The plan as a tree; Enter edits the highlighted objective or key result.

    A line longer than the tree is wide ends in "…" (it was cut at the edge, and the tree
    scrolled sideways); the forms show titles whole."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Edit",
            id="planning.tree_edit",
            tooltip="Edit the highlighted team, objective or key result (space folds a team)",
        ),
    ]

    def _label_room(self, node: TreeNode[NodeData]) -> int:
        """Columns left for the node's label beside its guides."""
        depth = 0
        while node.parent is not None:
            depth, node = depth + 1, node.parent
        guides = max(0, depth - (0 if self.show_root else 1)) * self.guide_depth
        return max(1, self.scrollable_content_region.width - guides)

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        room = self._label_room(node)
        if self.scrollable_content_region.width and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label

    def on_resize(self) -> None:
        self._invalidate()


class RetireDialog(FormScreen[str]):
    """Asks why an objective or key result is retired; dismisses with the reason."""

    HELP_TITLE = "Retire"
    HELP_SUMMARY = "Retiring keeps the record and its history; the reason is required."

    def __init__(self, what: str, title: str) -> None:
        super().__init__()
        self._what = what
        self._subject = title

    def form_title(self) -> str:
        return f"Retire {self._what}: {self._subject}"

    def compose_fields(self) -> ComposeResult:
        yield self.field(
            "reason",
            "Reason",
            self.text_input("reason", "", "why it no longer applies"),
            hint="Kept in the history; check-ins stay, no new ones are asked for",
        )

    def submit(self) -> str | None:
        reason = self.text("reason").strip()
        if not reason:
            self.show_errors({"reason": "say why, so the history explains it"})
            return None
        if len(reason) > 2000:
            self.show_errors({"reason": "at most 2000 characters"})
            return None
        return reason


class PlanningScreen(OkrScreen):
    HELP_TITLE = "Planning"
    HELP_SUMMARY = (
        "Objectives by team with their key results; the plan check on the right gives advice "
        "that never blocks saving."
    )
    CSS_PATH = "planning.tcss"
    BINDINGS = [
        typed_keys_binding(
            "o",
            "add_objective",
            "Objective",
            id="planning.add_objective",
            tooltip="Add an objective (to the highlighted team)",
        ),
        typed_keys_binding(
            "k",
            "add_key_result",
            "Key result",
            id="planning.add_key_result",
            tooltip="Add a key result to the highlighted objective",
        ),
        Binding(
            "enter",
            "edit",
            "Edit",
            id="planning.edit",
            tooltip="Edit the highlighted team, objective or key result",
        ),
        typed_keys_binding(
            "x",
            "retire",
            "Retire",
            id="planning.retire",
            tooltip="Retire the highlighted objective or key result, with a reason",
        ),
        typed_keys_binding(
            "t",
            "add_team",
            "New team",
            id="planning.add_team",
            tooltip="Add a team: its name, its people and who facilitates its check-in",
        ),
        typed_keys_binding(
            "e",
            "edit_cycle",
            "Cycle",
            id="planning.edit_cycle",
            tooltip="Dates, timezone and meeting rhythm of this cycle",
        ),
        typed_keys_binding(
            "n",
            "new_cycle",
            "New cycle",
            id="planning.new_cycle",
            tooltip="Create the next cycle and plan it",
        ),
        Binding(
            "a",
            "app.alignment",
            "Alignment",
            id="planning.alignment",
            show=False,
            tooltip="The alignment tree: company, team and personal objectives rolled up",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._cursor_target: NodeData | None = None

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        yield Static(Content(""), id="plan-note")
        with Vertical(id="plan-body"):
            tree = PlanTree("plan", id="plan-tree")
            tree.show_root = False
            tree.auto_expand = False
            yield tree
            yield PlanCheck(id="plan-check")
        yield KeyFooter()

    # --- reading --------------------------------------------------------------------------

    @property
    def plan_tree(self) -> Tree[NodeData]:
        return self.query_one("#plan-tree", Tree)

    @property
    def writable(self) -> bool:
        return self.cycle is not None and not self.read_only_reason()

    def reload(self) -> None:
        cycle = self.cycle
        team = self.okr_app.team
        now = self.okr_app.clock.now()
        read_only = bool(self.read_only_reason())
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now, read_only)
        note = self.query_one("#plan-note", Static)
        tree = self.plan_tree
        if self._cursor_target is None:
            node = tree.cursor_node
            self._cursor_target = node.data if node is not None else FIRST
        tree.clear()
        self.refresh_bindings()
        if cycle is None:
            next_step = "" if self.store.read_only else " Press n to create one."
            note.update(Content(f"No cycle yet.{next_step}"))
            note.set_class(False, "-closed")
            self.query_one(PlanCheck).show([], {}, planned=False)
            return
        if cycle.state is CycleState.CLOSED:
            next_step = "" if self.store.read_only else " Press n to plan a new cycle."
            note.update(
                Content.assemble(
                    (f"{cycle.name} is closed", "bold"),
                    f": its plan is kept as it was and cannot change.{next_step}",
                )
            )
        elif read_only:
            note.update(
                Content.assemble(
                    ("Read-only", "bold"),
                    ": this okr views the store; plans change where it is open for editing.",
                )
            )
        else:
            note.update(cycle_summary(cycle))
        note.set_class(read_only, "-closed")

        objectives = self.store.objectives(cycle.id)
        key_results = self.store.key_results(cycle.id)
        teams = self.store.teams()
        groups: list[tuple[str, str | None]] = [("Company", None)]
        groups += [(t.name, t.id) for t in teams]
        known = {team_id for _, team_id in groups}
        if any(o.team_id not in known for o in objectives):
            groups.append(("Other (team no longer exists)", GONE_TEAMS))
        shown: list[Objective] = []
        for name, team_id in groups:
            if not self.shows_team(team_id):
                continue
            if team_id == GONE_TEAMS:
                team_objectives = [o for o in objectives if o.team_id not in known]
            else:
                team_objectives = [o for o in objectives if o.team_id == team_id]
            shown += team_objectives
            team_label = Text(name, style="bold")
            if not team_objectives:
                team_label.append("  no objectives yet", style="dim")
            team_node = tree.root.add(team_label, data=(PlanNode.TEAM, team_id), expand=True)
            for objective in team_objectives:
                objective_node = team_node.add(
                    objective_label(objective), data=(PlanNode.OBJECTIVE, objective.id), expand=True
                )
                for kr in key_results:
                    if kr.objective_id == objective.id:
                        objective_node.add_leaf(
                            key_result_label(kr), data=(PlanNode.KEY_RESULT, kr.id)
                        )
        if not teams and not read_only:
            tree.root.add_leaf(
                Text(
                    "No teams yet: t adds one. Objectives without a team are the company's.",
                    style="dim",
                ),
                data=(PlanNode.HINT, None),
            )
        shown_ids = {o.id for o in shown}
        shown_krs = [kr for kr in key_results if kr.objective_id in shown_ids]
        team_names = {"company": "Company", **{t.id: t.name for t in teams}}
        self.query_one(PlanCheck).show(
            lint.check_plan(shown, shown_krs), team_names, planned=bool(shown)
        )
        self.call_after_refresh(self._restore_cursor)

    def _restore_cursor(self, attempts: int = 3) -> None:
        """Put the cursor back where it was, or on what was just saved (once per reload)."""
        tree = self.plan_tree
        target = self._cursor_target
        if target is None:
            return
        node = self._find_node(tree.root, target) if target != FIRST else None
        if node is None:
            node = self._first_node(tree.root)
        if node is not None and node.line < 0 and attempts:
            self.call_after_refresh(self._restore_cursor, attempts - 1)
            return
        self._cursor_target = None
        if node is not None:
            tree.move_cursor(node)

    def _find_node(self, node: TreeNode[NodeData], data: NodeData) -> TreeNode[NodeData] | None:
        for child in node.children:
            if child.data == data:
                return child
            found = self._find_node(child, data)
            if found is not None:
                return found
        return None

    def _first_node(self, root: TreeNode[NodeData]) -> TreeNode[NodeData] | None:
        """The first objective if there is one, else the first team."""
        for team in root.children:
            if team.children:
                return team.children[0]
        return root.children[0] if root.children else None

    def on_mount(self) -> None:  # type: ignore[override]  # Textual runs every class's on_mount
        self.plan_tree.focus()

    def highlighted(self) -> NodeData | None:
        node = self.plan_tree.cursor_node
        return node.data if node is not None else None

    def _objective(self, objective_id: str) -> Objective | None:
        cycle = self.cycle
        if cycle is None:
            return None
        return next((o for o in self.store.objectives(cycle.id) if o.id == objective_id), None)

    def _key_result(self, kr_id: str) -> KeyResult | None:
        cycle = self.cycle
        if cycle is None:
            return None
        return next((kr for kr in self.store.key_results(cycle.id) if kr.id == kr_id), None)

    def _highlighted_objective(self) -> Objective | None:
        data = self.highlighted()
        if data is None:
            return None
        kind, item_id = data
        if kind is PlanNode.OBJECTIVE and item_id:
            return self._objective(item_id)
        if kind is PlanNode.KEY_RESULT and item_id:
            kr = self._key_result(item_id)
            return self._objective(kr.objective_id) if kr else None
        return None

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_team":  # teams belong to the store, not to the cycle on screen
            return None if self.store.read_only else True
        if action in WRITE_ACTIONS and not self.writable:
            return None  # off (out of the footer; the key says why): a closed cycle or none
        if action == "new_cycle" and self.store.read_only:
            return None  # a closed cycle still leads to a new one; a viewer makes none
        return True

    def refusal(self, action: str) -> str:
        if self.store.read_only:
            return "this okr only views the store"
        if self.cycle is None:
            return "there is no cycle yet: press n to create one"
        return self.read_only_reason()

    def _can_write(self) -> bool:
        cycle = self.cycle
        if cycle is None:
            self.notify("There is no cycle yet: press n to create one.", severity="warning")
            return False
        if reason := self.read_only_reason():
            self.notify(f"The plan is read-only: {reason}.", severity="warning")
            return False
        return True

    def _saved(self, kind: PlanNode):
        """A form callback that puts the cursor on what was just saved: the form's save told
        every screen (StoreChanged), so this one re-reads as it comes back on top."""

        def done(saved_id: str | None) -> None:
            if saved_id:
                self._cursor_target = (kind, saved_id)

        return done

    @after_typed_keys
    def action_add_objective(self) -> AwaitMount | None:
        if not self._can_write():
            return None
        from okr_tui.screens.plan.objective_form import ObjectiveFormScreen

        team_id = self.team_id
        data = self.highlighted()
        if data is not None and data[0] is PlanNode.TEAM:
            team_id = data[1] if data[1] != GONE_TEAMS else None
        elif (objective := self._highlighted_objective()) is not None:
            team_id = objective.team_id
        cycle_id = self.cycle.id  # type: ignore[union-attr]
        return self.app.push_screen(
            ObjectiveFormScreen(cycle_id, team_id=team_id), self._saved(PlanNode.OBJECTIVE)
        )

    @after_typed_keys
    def action_add_key_result(self) -> AwaitMount | None:
        if not self._can_write():
            return None
        from okr_tui.screens.plan.key_result_form import KeyResultFormScreen

        objective = self._highlighted_objective()
        if objective is None:
            self.notify("Highlight an objective first, then press k.", severity="warning")
            return None
        if objective.status is Status.RETIRED:
            self.notify("That objective is retired; it takes no new key results.")
            return None
        return self.app.push_screen(
            KeyResultFormScreen(objective), self._saved(PlanNode.KEY_RESULT)
        )

    def action_edit(self) -> None:
        data = self.highlighted()
        if data is None:
            return
        kind, item_id = data
        if kind is PlanNode.TEAM:
            team = self.store.team_or_none(item_id)
            if team is not None and self._can_edit_teams():
                self._open_team_form(team)
            elif team is None and (node := self.plan_tree.cursor_node) is not None:
                node.toggle()  # Company (and objectives of a team no longer there) only fold
            return
        if not self._can_write() or item_id is None:
            return
        if kind is PlanNode.OBJECTIVE:
            from okr_tui.screens.plan.objective_form import ObjectiveFormScreen

            objective = self._objective(item_id)
            if objective is not None:
                self.app.push_screen(
                    ObjectiveFormScreen(objective.cycle_id, objective=objective),
                    self._saved(PlanNode.OBJECTIVE),
                )
        elif kind is PlanNode.KEY_RESULT:
            from okr_tui.screens.plan.key_result_form import KeyResultFormScreen

            kr = self._key_result(item_id)
            objective = self._objective(kr.objective_id) if kr else None
            if kr is not None and objective is not None:
                self.app.push_screen(
                    KeyResultFormScreen(objective, key_result=kr), self._saved(PlanNode.KEY_RESULT)
                )

    @on(Tree.NodeSelected, "#plan-tree")
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.action_edit()

    @after_typed_keys
    def action_retire(self) -> AwaitMount | None:
        if not self._can_write():
            return None
        data = self.highlighted()
        kind, item_id = data if data else (None, None)
        target: Objective | KeyResult | None = None
        if kind is PlanNode.OBJECTIVE and item_id:
            target = self._objective(item_id)
        elif kind is PlanNode.KEY_RESULT and item_id:
            target = self._key_result(item_id)
        if target is None:
            self.notify("Highlight an objective or key result to retire.", severity="warning")
            return None
        what = "objective" if isinstance(target, Objective) else "key result"
        if target.status is Status.RETIRED:
            self.notify(f"This {what} is already retired.")
            return None

        def retire(reason: str | None) -> None:
            if not reason:
                return
            self._retire(target, reason)

        return self.app.push_screen(RetireDialog(what, target.title), retire)

    def _retire(self, target: Objective | KeyResult, reason: str) -> None:
        changes = {
            "status": Status.RETIRED,
            "retired_reason": reason,
            "retired_at": self.okr_app.clock.now(),
        }
        try:
            if isinstance(target, Objective):
                retired: Objective | KeyResult = self.store.save_objective(
                    Objective.model_validate({**target.model_dump(), **changes}), reason=reason
                )
                kind = PlanNode.OBJECTIVE
            else:
                retired = self.store.save_key_result(
                    KeyResult.model_validate({**target.model_dump(), **changes}), reason=reason
                )
                kind = PlanNode.KEY_RESULT
        except (RuleViolation, StoreError, ValueError) as error:
            self.notify(f"Not retired: {error}", severity="error", markup=False)
            return
        self._cursor_target = (kind, retired.id)
        self.reload()
        self.notify(f"Retired: {retired.title}", markup=False)

    def _can_edit_teams(self) -> bool:
        if self.store.read_only:
            self.notify(
                "This okr is open read-only: teams change where the store is open for editing.",
                severity="warning",
            )
            return False
        return True

    @after_typed_keys
    def action_add_team(self) -> AwaitMount | None:
        if self._can_edit_teams():
            return self._open_team_form(None)
        return None

    def _open_team_form(self, team: Team | None) -> AwaitMount:
        from okr_tui.screens.plan.team_form import TeamFormScreen

        return self.app.push_screen(TeamFormScreen(team), self._saved(PlanNode.TEAM))

    @after_typed_keys
    def action_edit_cycle(self) -> AwaitMount | None:
        if not self._can_write():
            return None
        from okr_tui.screens.plan.cycle_form import CycleFormScreen

        # No callback: the form's save tells every screen (StoreChanged), and this one re-reads
        # as it comes back on top.
        return self.app.push_screen(CycleFormScreen(self.cycle))

    @after_typed_keys
    def action_new_cycle(self) -> AwaitMount | None:
        from okr_tui.screens.plan.cycle_form import CycleFormScreen

        if self.store.read_only:  # the welcome screen's n, or the palette
            self.notify("This okr is open read-only: no new cycle.", severity="warning")
            return None

        def created(cycle_id: str | None) -> None:
            if cycle_id:
                self.okr_app.cycle_id = cycle_id  # every screen shows it (ContextChanged)
                name = self.cycle.name if self.cycle else ""
                then = (
                    "its objectives with o"
                    if self.store.teams()
                    else "teams with t, objectives with o"
                )
                self.notify(f"Created {name}; add {then}.", markup=False)

        return self.app.push_screen(CycleFormScreen(), created)

"""Before the check-in walk: which team, in what order, who is present, an optional time box.

Everything has a default (the team on screen, team order, everyone present, no time box) and
the Start button has focus, so Enter starts the walk at once.
"""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from okr_tui.domain import board, cadence
from okr_tui.domain.models import CycleState, Meeting, Team
from okr_tui.domain.progress import counted
from okr_tui.domain.walkthrough import (
    WalkOrder,
    WalkSettings,
    walk_lines,
    walk_meeting,
    walk_progress,
)
from okr_tui.screens.base import OkrScreen, after_typed_keys, typed_keys_binding
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

MAX_TIMEBOX_MINUTES = 120
# Lines the set-up takes besides its three columns (header, title, the column labels, the two
# fields, status, the Start button, footer): the columns get what is left, so Start stays on
# screen at 80x24.
SETUP_FIXED_LINES = 17


def parse_timebox(text: str) -> int:
    """Minutes per key result: a whole number from 0 (no time box) to 120."""
    raw = text.strip() or "0"
    if not raw.isdigit() or int(raw) > MAX_TIMEBOX_MINUTES:
        raise ValueError(f"minutes per key result: a whole number from 0 to {MAX_TIMEBOX_MINUTES}")
    return int(raw)


class WalkthroughSetupScreen(OkrScreen):
    HELP_TITLE = "Check-in set-up"
    HELP_SUMMARY = (
        "Choose the team, the order and who is present, then Enter starts the walk "
        "through every key result."
    )
    CSS_PATH = "walkthrough_setup.tcss"
    FILTERS_OWNER = True
    # Enter (on the Start button or a field) and ctrl+s start the walk as they arrive, and the
    # keys after them wait for its first step (typed_keys.py): "c⏎42⏎g" typed at once from the
    # dashboard checks the first key result in.
    BINDINGS = [
        typed_keys_binding(
            "ctrl+s",
            "start",
            "Start",
            id="walkthrough_setup.start",
            tooltip="Start the walk with these settings",
        ),
        typed_keys_binding(
            "enter",
            "enter_starts",
            "Start",
            show=False,
            id="walkthrough_setup.enter",
            tooltip="On the Start button or a field: start the walk",
        ),
        Binding(
            "escape",
            "back",
            "Cancel",
            id="walkthrough_setup.cancel",
            tooltip="Back to the dashboard without starting",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._teams: list[Team] = []

    def compose(self) -> ComposeResult:
        self._teams = self.store.teams()
        team_id = self.okr_app.team_id
        yield CycleHeader()
        with VerticalScroll(id="setup"):
            yield Static(id="setup-title")
            with Horizontal(id="setup-columns"):
                with Vertical(classes="setup-column"):
                    yield Label("Team", classes="setup-label")
                    with RadioSet(id="setup-team"):
                        yield RadioButton(Content("All teams"), value=team_id is None)
                        for team in self._teams:
                            yield RadioButton(Content(team.name), value=team.id == team_id)
                with Vertical(classes="setup-column"):
                    yield Label("Order", classes="setup-label")
                    with RadioSet(id="setup-order"):
                        for order in WalkOrder:
                            yield RadioButton(Content(order.label), value=order is WalkOrder.TEAM)
                with Vertical(classes="setup-column"):
                    yield Label("Who is present", classes="setup-label")
                    yield SelectionList[str](id="setup-present")
            with Horizontal(classes="setup-row"):
                yield Label("Facilitator", classes="setup-field-label")
                yield Input(id="setup-facilitator", placeholder="name", compact=True, max_length=80)
            with Horizontal(classes="setup-row"):
                yield Label("Minutes per KR", classes="setup-field-label")
                yield Input(
                    "0",
                    id="setup-timebox",
                    placeholder="0 = no time box",
                    compact=True,
                    restrict=r"\d*",
                    max_length=3,
                )
                yield Static(
                    Content("0 = none; else a quiet countdown per step"),
                    classes="muted setup-hint",
                )
            yield Static("", id="setup-timebox-error", classes="field-error")
            yield Static("", id="setup-status")
            yield Button(
                Content("Start the check-in  (Enter)"), id="setup-start", variant="primary"
            )
        yield KeyFooter()

    def on_resize(self) -> None:
        """The columns take the lines the rest leaves; the attendees list scrolls."""
        room = self.app.size.height - SETUP_FIXED_LINES
        self.query_one("#setup-columns").styles.max_height = max(5, min(14, room))
        self.query_one("#setup-present").styles.max_height = max(4, min(12, room - 1))

    async def on_mount(self) -> None:
        await super().on_mount()
        self._fill_people()
        # set_focus, not focus(): focus() is deferred, and an Enter already on its way must
        # find the button focused.
        self.set_focus(self.query_one("#setup-start", Button))

    def reload(self) -> None:
        cycle = self.cycle
        now = self.okr_app.clock.now()
        team = self._chosen_team()
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        title = self.query_one("#setup-title", Static)
        status = self.query_one("#setup-status", Static)
        start = self.query_one("#setup-start", Button)
        owner = self.owner_filter()
        meeting = cadence.current_meeting(cycle, now) if cycle else None
        if owner and cycle is not None and (day := walk_meeting(cycle, now, owner)):
            meeting = cadence.meeting_on(cycle, day)  # an owner updates for the coming one
        if cycle is None or meeting is None:
            title.update(Content("This cycle has no check-in meetings."))
            status.update(Content(""))
            start.disabled = True
            return
        title.update(
            Content.assemble(
                ("Check-in", "bold") if owner is None else (f"{owner}'s update", "bold"),
                f" for the meeting of {meeting.format('dddd D MMMM YYYY')} · ",
                (cycle.name, "bold"),
            )
        )
        if cycle.state is CycleState.CLOSED:
            status.update(
                Content.styled(
                    f"{cycle.name} is closed; its check-ins stay as they were.", "$error"
                )
            )
            start.disabled = True
            return
        check_ins = self.store.check_ins(cycle.id)
        lines = walk_lines(
            board.key_result_lines(
                cycle,
                self.store.objectives(cycle.id),
                self.store.key_results(cycle.id),
                check_ins,
                now,
            ),
            team.id if team else None,
            owner=owner,
        )
        record = self.store.meeting_record(cycle.id, team.id if team else None, meeting.date())
        # What the walk will count as done, by its own rule (domain/walkthrough.py): reviewed
        # in this meeting, or in an owner's walk updated for the coming one.
        lines, reviewed = walk_progress(
            lines,
            check_ins,
            meeting.date(),
            owner=owner,
            reviewed_kr_ids=record.reviewed_kr_ids if record is not None else (),
        )
        # Updated before the meeting and not reviewed yet: the walk shows each, Enter accepts.
        updated = 0
        if not owner:
            updated = sum(
                1 for line in lines if line.checked_in_this_meeting and line.kr.id not in reviewed
            )
        todo = len(lines) - len(reviewed)
        done = "updated for this meeting" if owner else "reviewed in this meeting"
        if not lines:
            whose = "this team" if owner is None else f"{owner} in this team"
            status.update(Content.styled(f"No active key results to walk for {whose}.", "$error"))
            start.disabled = True
            return
        start.disabled = False
        if todo == len(lines):
            text = f"{counted(len(lines), 'key result')} to check in for this meeting."
        elif todo:
            text = (
                f"{len(lines)} key results, {todo} not yet {done}: "
                "the walk resumes at the first of them."
            )
        else:
            text = (
                f"{len(lines)} key results, all {done}: the walk opens "
                "at the first one (a new check-in corrects the earlier one)."
            )
        if updated:
            text += (
                f"\n{updated} updated before the meeting: Enter accepts an update, "
                "typing a value corrects it."
            )
        text += self._prep_summary(cycle, team, lines, now)
        if record is not None and record.closed_at is not None:
            text += (
                f"\nThis meeting was closed on {cadence.closed_at_text(cycle, record.closed_at)}: "
                "what this walk adds joins its record."
            )
        status.update(Content(text))

    def _prep_summary(self, cycle, team: Team | None, lines, now) -> str:
        """One line of the prep lane (domain/prep.py), the agenda "needs talk first" follows:
        how many key results each of its sections names; `okr prep` lists them."""
        from okr_tui.domain.prep import prep_lane

        walked = {line.kr.id for line in lines}
        objectives = {line.objective.id: line.objective for line in lines}
        lane = prep_lane(
            cycle,
            list(objectives.values()),
            [line.kr for line in lines],
            [c for c in self.store.check_ins(cycle.id) if c.kr_id in walked],
            self.store.actions(cycle.id),
            now,
        )
        named = [
            f"{title[0].lower()}{title[1:]} {len(items)}"
            for title, items in lane.sections()[1:]  # not "not updated": the walk is for that
            if items
        ]
        return f"\nPrep lane: {' · '.join(named)}." if named else "\nPrep lane: nothing to raise."

    def _chosen_team(self) -> Team | None:
        # The buttons' own values, not RadioSet.pressed_index (nor a check that this screen is
        # mounted): both are set only after this screen's on_mount has filled the people in,
        # so a team chosen on the dashboard got everyone present and no facilitator.
        try:
            team_set = self.query_one("#setup-team", RadioSet)
        except NoMatches:  # not composed yet
            return None
        buttons = team_set.query(RadioButton)
        index = next((i for i, button in enumerate(buttons) if button.value), 0)
        if index <= 0 or index > len(self._teams):
            return None
        return self._teams[index - 1]

    def _fill_people(self) -> None:
        """The people of the chosen team (all teams: everyone), ticked as present at its last
        meeting and with that meeting's facilitator; everyone present and the team's own
        facilitator when it has not met yet. A guest of that meeting is listed too."""
        team = self._chosen_team()
        if team is not None:
            members = list(team.members)
            facilitator = team.facilitator
        else:
            members = list(dict.fromkeys(name for t in self._teams for name in t.members))
            facilitator = ""
        present_names = set(members)
        last = self._last_meeting(team.id if team else None)
        if last is not None:
            members += [name for name in last.attendees if name not in members]
            present_names = set(last.attendees) or present_names
            facilitator = last.facilitator or facilitator
        if owner := self.owner_filter():
            facilitator = owner  # an owner's walk: the updates are theirs (WalkSettings)
        present = self.query_one("#setup-present", SelectionList)
        present.clear_options()
        present.add_options(
            [Selection(Content(name), name, name in present_names) for name in members]
        )
        self.query_one("#setup-facilitator", Input).value = facilitator

    def _last_meeting(self, team_id: str | None) -> Meeting | None:
        """The team's latest meeting record of this cycle that says who was there."""
        cycle = self.cycle
        if cycle is None:
            return None
        records = [
            m
            for m in self.store.meetings(cycle.id)
            if m.team_id == team_id and (m.attendees or m.facilitator)
        ]
        return max(records, key=lambda m: m.meeting_date, default=None)

    @on(RadioSet.Changed, "#setup-team")
    def _team_changed(self) -> None:
        self._fill_people()
        self.reload()

    @after_typed_keys
    async def action_enter_starts(self) -> None:
        """Enter on the Start button or in a field starts; in a list it ticks or picks."""
        if not isinstance(self.focused, Button | Input):
            raise SkipAction()
        await self.action_start()

    @on(Button.Pressed, "#setup-start")
    def _start_pressed(self) -> None:
        # Through the app: awaited here, in this screen's own message loop, the switch that
        # removes this screen would wait for that very loop to end, and the app froze.
        self.app.call_later(self.action_start)

    def settings(self) -> WalkSettings | None:
        """The chosen settings, or None (with the message at the field) when one is wrong."""
        error = self.query_one("#setup-timebox-error", Static)
        try:
            minutes = parse_timebox(self.query_one("#setup-timebox", Input).value)
        except ValueError as problem:
            error.update(Content(str(problem)))
            return None
        error.update(Content(""))
        team = self._chosen_team()
        orders = list(WalkOrder)
        order_index = self.query_one("#setup-order", RadioSet).pressed_index
        owner = self.owner_filter()
        facilitator = self.query_one("#setup-facilitator", Input).value.strip()
        return WalkSettings(
            owner=owner,
            team_id=team.id if team else None,
            order=orders[order_index] if 0 <= order_index < len(orders) else WalkOrder.TEAM,
            attendees=tuple(self.query_one("#setup-present", SelectionList).selected),
            # An owner's updates are theirs (the check-ins' author).
            facilitator=owner or facilitator,
            timebox_minutes=minutes,
        )

    @after_typed_keys
    async def action_start(self) -> None:
        if self.query_one("#setup-start", Button).disabled:
            return
        settings = self.settings()
        if settings is None:
            self.query_one("#setup-timebox", Input).focus()
            return
        from okr_tui.screens.walk.walkthrough import WalkthroughScreen

        await self.app.switch_screen(WalkthroughScreen(settings))

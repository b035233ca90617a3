"""The check-in walk: one key result per step, value and confidence in a few keystrokes.

Per step: type the value (the last one is pre-filled and selected, so typing replaces it),
Enter, then one confidence key saves and opens the next key result: 1/g on track, 2/y at risk,
3/r off track, Enter keeps the level shown (last week's). "42", Enter, "1" is four keys, so
twelve key results fit in 60 keys with opening the walk and closing the meeting.
The optional note and blockers sit between value and confidence: Tab from the value, type,
Enter goes on to the confidence. (Confidence last, not before the note, is what keeps a step
at four keys: the confidence key is also the save.)

A key result its owner updated before the meeting (okr checkin) is walked too: the step shows
the update (value, confidence, note, who, when) beside last week's, and Enter in the untouched
value field accepts it as reviewed in the meeting (recorded on the meeting's record, no new
check-in). Typing a value instead goes on to the confidence as usual and records a correction,
marked as typed in the meeting. A save that changes nothing accepts too.

The walk starts, and resumes, at the first key result not yet reviewed in this meeting (accepted,
or checked in in it); saving one that already has a check-in records a correction.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.widgets.input import Selection

from okr_tui.domain import board, cadence
from okr_tui.domain.board import KeyResultLine
from okr_tui.domain.history import is_late
from okr_tui.domain.models import Action, CheckIn, Confidence, KrType
from okr_tui.domain.progress import counted, delta_text, pace_words, value_text
from okr_tui.domain.values import ValueInputError, parse_value
from okr_tui.domain.walkthrough import (
    StepFacts,
    WalkOrder,
    WalkSettings,
    WalkState,
    confidence_words,
    field_text,
    step_facts,
    talk_first_scores,
    update_source,
    walk_lines,
    walk_meeting,
    walk_progress,
)
from okr_tui.screens.base import OkrScreen, after_typed_keys, move_focus, typed_keys_binding
from okr_tui.screens.dialogs.action_dialog import ActionDialog
from okr_tui.screens.dialogs.open_actions_dialog import action_label
from okr_tui.screens.dialogs.park_dialog import ParkDialog
from okr_tui.screens.form import located_error_message
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.badges import confidence_badge, confidence_trend, pace_badge
from okr_tui.widgets.confidence_picker import ConfidencePicker
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.textual_compat import StillInput, show


def _short(text: str, limit: int) -> str:
    """User text on one step: on one line and cut to `limit`, so every step fits the screen."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


STEP_FIELDS = {"walk-value", "walk-note", "walk-blockers"}


SHORT_SCREEN_ROWS = 28  # below it the fields close up (walkthrough.tcss)


class WalkthroughScreen(OkrScreen):
    HELP_TITLE = "Check-in walk"
    HELP_SUMMARY = (
        "Value, Enter, confidence (1/g, 2/y, 3/r or Enter to keep), Enter saves and moves on. "
        "An update given before the meeting: Enter accepts it, typing corrects it."
    )
    CSS_PATH = "walkthrough.tcss"
    FILTERS_OWNER = True
    # Backspace, the arrows and ctrl+w in a field act in the order typed (OkrApp.on_event).
    EDITING_KEYS_IN_ORDER = True
    # Screen.focused repaints the whole screen on every change; each step moves the focus
    # twice (value -> confidence -> next value), and the widgets that gain and lose it repaint
    # themselves. Without the screen repaint a step redraws its ~10 changed lines, not 40.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    # Every key that acts on the step is a priority binding: it is handled as it arrives, after
    # the fields have applied the keys typed before it and before the keys after it are routed
    # (typed_keys.py). Bound the usual way, "42 ctrl+s 37" in one burst saved 4237.
    BINDINGS = [
        typed_keys_binding(
            "ctrl+s",
            "save",
            "Save",
            id="walkthrough.save",
            tooltip="Save this check-in and go to the next key result",
        ),
        typed_keys_binding(
            "ctrl+n",
            "skip",
            "Skip",
            id="walkthrough.skip",
            tooltip="Go to the next key result without saving",
        ),
        typed_keys_binding(
            "ctrl+b",
            "previous",
            "Back",
            id="walkthrough.previous",
            tooltip="Go back to the previous key result",
        ),
        # Bound apart from ctrl+n/ctrl+b and hidden: a priority binding takes the footer place
        # of the scroll binding it overrides, so together they showed "pgdn Skip" first.
        typed_keys_binding(
            "pagedown",
            "skip",
            "Skip",
            show=False,
            id="walkthrough.skip_page",
            tooltip="Go to the next key result without saving",
        ),
        typed_keys_binding(
            "pageup",
            "previous",
            "Back",
            show=False,
            id="walkthrough.previous_page",
            tooltip="Go back to the previous key result",
        ),
        typed_keys_binding(
            "ctrl+o",
            "add_action",
            "Action",
            id="walkthrough.action",
            tooltip="Add a next action with an owner to this key result",
        ),
        # Not in the footer: the step lists the key result's open actions with this key.
        typed_keys_binding(
            "ctrl+l",
            "follow_up",
            "Actions done",
            show=False,
            id="walkthrough.follow_up",
            tooltip="Tick off the key result's open actions that are done",
        ),
        typed_keys_binding(
            "ctrl+r",
            "park_topic",
            "Park",
            id="walkthrough.park",
            tooltip="Park a topic to talk about after the walk",
        ),
        typed_keys_binding(
            "ctrl+f",
            "finish",
            "Finish",
            id="walkthrough.finish",
            tooltip="End the walk here and open the meeting summary",
        ),
        typed_keys_binding(
            "escape",
            "back",
            "Leave",
            id="walkthrough.leave",
            tooltip="Leave the walk; saved check-ins stay, starting again resumes",
        ),
        # Help as F1, shown whichever field has the focus: "?" types a question mark into the
        # value, note and blockers, so the app's "? Help" was in the footer only while the
        # confidence had the focus (and the footer changed its keys with every focus move).
        Binding(
            "f1", "app.help", "Help", id="walkthrough.help", tooltip="Every key of this screen"
        ),
        Binding(
            "question_mark",
            "app.help",
            "Help",
            show=False,
            id="walkthrough.help_question_mark",
            tooltip="Every key of this screen (from the confidence)",
        ),
        # Tab reached the app's focus binding only after the field had taken the keys behind
        # it: "42⇥Pricing" typed at once left the note empty.
        typed_keys_binding(
            "tab",
            "move_focus(1)",
            "Next field",
            show=False,
            id="walkthrough.next_field",
            tooltip="From the value to the note, the blockers, the confidence",
        ),
        typed_keys_binding(
            "shift+tab",
            "move_focus(-1)",
            "Previous field",
            show=False,
            id="walkthrough.previous_field",
            tooltip="Back from the confidence to the blockers, the note, the value",
        ),
        # Through the Input's own Submitted message, a fast "42⏎g" put "g" in the value field.
        typed_keys_binding(
            "enter",
            "field_done",
            "Next field",
            show=False,
            id="walkthrough.field_done",
            tooltip="From the value, note or blockers: on to the confidence",
        ),
    ]

    def __init__(self, settings: WalkSettings) -> None:
        super().__init__()
        self.settings = settings
        # The order, the step on screen and the resume rule (domain/walkthrough.py).
        self.walk = WalkState()
        self.parked_topics: list[str] = []
        self._value_error_for: str | None = None  # the value text the error shown is about
        self.meeting_day: date | None = None
        self._lines: dict[str, KeyResultLine] = {}
        self._check_ins: list[CheckIn] = []
        self._facts: StepFacts | None = None
        # The key result whose step the fields were filled for: what is typed belongs to it.
        self._step_kr_id: str | None = None
        self._seconds_left = 0
        self._timer: Timer | None = None

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        with Vertical(id="walk"):
            with Horizontal(id="walk-top"):
                yield Static(id="walk-position")
                yield Static(id="walk-countdown")
            yield Static(id="walk-objective")
            yield Static(id="walk-kr")
            yield Static(id="walk-last")
            yield Static(id="walk-notice")
            with Horizontal(classes="walk-row"):
                yield Label("Value", classes="walk-label")
                yield StillInput(id="walk-value", compact=True, max_length=40)
                yield Static(id="walk-preview")
            yield Static("", id="walk-value-error", classes="field-error")
            with Horizontal(classes="walk-row"):
                yield Label("Note", classes="walk-label")
                yield StillInput(
                    id="walk-note",
                    compact=True,
                    placeholder="optional (Tab from the value); Enter goes to confidence",
                )
            with Horizontal(classes="walk-row"):
                yield Label("Blockers", classes="walk-label")
                yield StillInput(
                    id="walk-blockers",
                    compact=True,
                    placeholder="optional; Enter goes to confidence",
                )
            with Horizontal(classes="walk-row"):
                yield Label("Confidence", classes="walk-label")
                yield ConfidencePicker(id="walk-confidence")
            yield Static("", id="walk-form-error", classes="field-error")
            yield Static(id="walk-extras")
        yield KeyFooter()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_SCREEN_ROWS, "-short")

    # --- data -------------------------------------------------------------------------

    def reload(self) -> None:
        first_time = not self.walk.started
        if not self._load():
            return
        if first_time:
            self._resume_meeting_record()
            self._enter_step()
        elif self.current_kr_id != self._step_kr_id:
            # The key result on screen was removed or retired elsewhere: what was typed for it
            # must not be saved onto the next one, so that one starts afresh.
            self.notify(
                "The key result on screen was retired or removed elsewhere: this is the next one.",
                severity="warning",
                timeout=5,
            )
            self._enter_step()
        else:
            self._show_step()

    def _resume_meeting_record(self) -> None:
        """A walk of a meeting left earlier (or in an app that stopped) picks its parked
        topics up again from the meeting's record, closed already or not."""
        cycle = self.cycle
        if cycle is None or self.meeting_day is None:
            return
        record = self.store.meeting_record(cycle.id, self.settings.team_id, self.meeting_day)
        if record is None:
            return
        self.parked_topics = list(record.parked_topics)
        if record.closed_at is not None:
            self.notify(
                f"This meeting was closed on {cadence.closed_at_text(cycle, record.closed_at)}: "
                "what this walk adds joins its record.",
                markup=False,
            )

    def _park(self, topic: str) -> None:
        """Store a parked topic in the meeting's record as it is parked (the store adds it under
        its lock; a meeting closed before keeps its record closed and the topic joins it)."""
        cycle = self.cycle
        if cycle is None or self.meeting_day is None:
            return
        try:
            record = self.store.park_topic(
                cycle.id,
                self.settings.team_id,
                self.meeting_day,
                topic,
                # An owner updating ahead of the meeting is not its facilitator.
                facilitator="" if self.settings.owner else self.settings.facilitator,
                attendees=self.settings.attendees,
            )
        except (RuleViolation, StoreError, ValidationError) as problem:
            self.parked_topics.append(topic)  # shown, and closing the meeting tries again
            self.notify(
                f"The parked topic is on screen but not stored: {problem}",
                severity="error",
                markup=False,
            )
            return
        stored = list(record.parked_topics)
        self.parked_topics = stored + [t for t in self.parked_topics if t not in stored]

    def _load(self) -> bool:
        """Read this walk's records and bring `walk` (order, step, what is done) up to date;
        False when there is no step."""
        cycle = self.cycle
        now = self.okr_app.clock.now()
        team = self.store.team_or_none(self.settings.team_id)
        self.query_one(CycleHeader).show(cycle, team.name if team else None, now)
        meeting_day = walk_meeting(cycle, now, self.settings.owner) if cycle else None
        if cycle is None or meeting_day is None:
            self.query_one("#walk-position", Static).update(
                Content("This cycle has no check-in meetings.")
            )
            return False
        self.meeting_day = meeting_day
        # Only this walk's key results and their check-ins: a team's walk in a 50-team
        # organisation would otherwise recompute every team's figures at every step.
        objectives = self.store.objectives(cycle.id)
        walked = {
            o.id
            for o in objectives
            if self.settings.team_id is None or o.team_id == self.settings.team_id
        }
        key_results = self.store.key_results(cycle.id, objective_ids=walked)
        kr_ids = {kr.id for kr in key_results}
        self._check_ins = self.store.check_ins(cycle.id, kr_ids=kr_ids)
        talk_first = None
        if not self.walk.started and self.settings.order is WalkOrder.NEEDS_TALK:
            # The prep lane is the agenda: what it names most is walked first.
            talk_first = talk_first_scores(
                cycle,
                [o for o in objectives if o.id in walked],
                key_results,
                self._check_ins,
                self.store.actions(cycle.id),
                now,
            )
        lines = walk_lines(
            board.key_result_lines(cycle, objectives, key_results, self._check_ins, now),
            self.settings.team_id,
            self.settings.order,
            [team.id for team in self.store.teams()],
            talk_first,
            self.settings.owner,
        )
        record = None
        if not self.settings.owner:  # an owner's walk reviews nothing: no record to read
            record = self.store.meeting_record(cycle.id, self.settings.team_id, self.meeting_day)
        lines, done = walk_progress(
            lines,
            self._check_ins,
            self.meeting_day,
            owner=self.settings.owner,
            reviewed_kr_ids=record.reviewed_kr_ids if record is not None else (),
        )
        self._lines = {line.kr.id: line for line in lines}
        self.walk.update([line.kr.id for line in lines], done)
        if not self.order:
            self.query_one("#walk-position", Static).update(
                Content("No active key results to walk.")
            )
            return False
        return True

    @property
    def _done_word(self) -> str:
        """What counts as done: reviewed in the meeting, or updated for it in an owner's walk."""
        return "updated" if self.settings.owner else "reviewed"

    def owner_filter(self) -> str | None:
        """The walk's own owner, fixed when it started (the header says whose it is)."""
        return self.settings.owner

    @property
    def order(self) -> list[str]:
        """The walk's key result ids in walk order, fixed when it started."""
        return self.walk.order

    @property
    def index(self) -> int:
        return self.walk.index

    @property
    def _reviewed(self) -> set[str]:
        """The key results this meeting has reviewed (accepted, or checked in in it); in an
        owner's walk, those updated for the coming meeting."""
        return self.walk.done

    @property
    def current_kr_id(self) -> str | None:
        return self.walk.current

    @property
    def line(self) -> KeyResultLine | None:
        kr_id = self.current_kr_id
        return self._lines.get(kr_id) if kr_id else None

    def _team_name(self) -> str:
        if self.settings.owner:
            return f"{self.settings.owner}'s key results"
        if self.settings.team_id is None:
            return "All teams"
        team = self.store.team_or_none(self.settings.team_id)
        return team.name if team else "Team"

    # --- one step -----------------------------------------------------------------------

    def _enter_step(self) -> None:
        """Fill the fields for the key result at `index` and put the cursor in the value."""
        line = self.line
        if line is None or self.meeting_day is None:
            return
        facts = step_facts(line.kr, self._check_ins, self.meeting_day)
        self._facts = facts
        self._step_kr_id = line.kr.id
        value_input = self.query_one("#walk-value", Input)
        text = field_text(facts.suggested_value, line.kr)
        value_input.value = text
        value_input.placeholder = (
            "done / not done" if line.kr.kr_type is KrType.MILESTONE else "a number"
        )
        self.query_one(ConfidencePicker).set(facts.suggested_confidence)
        earlier = facts.this_meeting
        self.query_one("#walk-note", Input).value = earlier.note if earlier else ""
        self.query_one("#walk-blockers", Input).value = earlier.blockers if earlier else ""
        for error_id in ("#walk-value-error", "#walk-form-error"):
            show(self.query_one(error_id, Static), Content(""))
        self._value_error_for = None
        self._show_step(facts)
        # set_focus, not focus(): focus() is deferred, and the keys typed right after a
        # confidence key ("g37") must reach the next value, not the confidence row.
        self.set_focus(value_input)
        value_input.selection = Selection(0, len(text))
        self._start_countdown()

    def _show_step(self, facts: StepFacts | None = None) -> None:
        """Show the step at `index`; only widgets whose text changed are repainted."""
        line = self.line
        if line is None or self.meeting_day is None:
            return
        if facts is None:
            facts = step_facts(line.kr, self._check_ins, self.meeting_day)
        self._facts = facts
        kr, objective = line.kr, line.objective
        done = self.walk.done_count
        show(
            self.query_one("#walk-position", Static),
            Content.assemble(
                (self._team_name(), "bold"),
                f" · check-in {cadence.day_text(self.meeting_day)}   ",
                (f"KR {self.index + 1} of {len(self.order)}", "bold $accent"),
                (f"  · {done} of {len(self.order)} {self._done_word}", "$text-muted"),
            ),
        )
        show(
            self.query_one("#walk-objective", Static),
            Content.assemble(
                ("Objective ", "$text-muted"),
                (objective.title, "bold"),
                (f"  {objective.kind.value} · {objective.level.value}", "$text-muted"),
            ),
        )
        pace = line.pace
        kr_parts: list[Content | str | tuple[str, str]] = [
            (kr.title, "bold $accent"),
            "\n",
        ]
        if kr.owner:
            kr_parts += [("owner ", "$text-muted"), kr.owner, ("  · ", "$text-muted")]
        kr_parts += [
            (kr.kr_type.label, "$text-muted"),
            "\n",
            value_text(kr, kr.baseline),
            ("  →  ", "$text-muted"),
            (value_text(kr, facts.last_value), "bold"),
            ("  →  ", "$text-muted"),
            value_text(kr, kr.target),
            ("    baseline → last → target", "$text-muted"),
            "\n",
            pace_badge(pace.pace),
            f"   progress {pace.progress:.0%}"
            + (f" · expected {pace.expected:.0%}" if kr.kr_type.has_line else "")
            + f" · {pace_words(kr, pace)}",
        ]
        show(self.query_one("#walk-kr", Static), Content.assemble(*kr_parts))
        show(self.query_one("#walk-last", Static), self._last_text(facts))
        notice = Content("")
        if facts.this_meeting is not None and facts.this_meeting.confidence is None:
            notice = Content.styled(
                "Value read from its source for this meeting ("
                + value_text(kr, facts.this_meeting.value)
                + "): give the confidence to check it in.",
                "$text-muted",
            )
        elif facts.update_before is not None:
            notice = self._update_text(facts, facts.update_before)
        elif facts.this_meeting is not None:
            notice = Content.styled(
                "Already checked in for this meeting ("
                + value_text(kr, facts.this_meeting.value)
                + f", {confidence_words(facts.this_meeting)}): Enter keeps it, "
                "saving a change records a correction.",
                "$warning",
            )
        notice_widget = self.query_one("#walk-notice", Static)
        show(notice_widget, notice)
        notice_widget.display = bool(notice)
        self._show_preview()
        self._show_extras()

    def _update_text(self, facts: StepFacts, update: CheckIn) -> Content:
        """The update given before the meeting, in two short rows under last week's: value,
        its change and confidence; who, when and where from. Its note and blockers fill the
        fields below, and what Enter does is said beside the value (`_show_preview`)."""
        kr = facts.kr
        parts: list[Content | str | tuple[str, str]] = [
            ("This meeting's update: ", "$text-muted"),
            (value_text(kr, update.value), "bold"),
        ]
        if facts.last is not None:
            change = delta_text(kr, update.value - facts.last_value)
            parts.append((f" ({change} since last meeting)", "$text-muted"))
        parts += ["  ", confidence_badge(update.confidence)]
        if facts.kr.id in self._reviewed:
            parts += ["  ", ("✓ accepted", "$success")]
        said = []
        if update.author:
            said.append(f"by {_short(update.author, 24)}")
        if self.cycle is not None:
            when = cadence.local_time(self.cycle, update.recorded_at)
            said.append(f"{cadence.day_text(when.date())} {when:%H:%M}")
        said.append(update_source(update))
        parts += ["\n", (" · ".join(said), "$text-muted")]
        return Content.assemble(*parts)

    def _last_text(self, facts: StepFacts) -> Content:
        kr = facts.kr
        last = facts.last
        if last is None:
            return Content.styled("No check-in before this meeting yet.", "$text-muted")
        # A check-in given after its meeting's day says so, as on every screen (history.is_late).
        late = ", checked in late" if self.cycle and is_late(self.cycle, last) else ""
        parts: list[Content | str | tuple[str, str]] = [
            (f"Last meeting ({cadence.day_text(last.meeting_date)}{late}): ", "$text-muted"),
            confidence_badge(last.confidence)
            if last.confidence is not None
            else Content.styled("value from its source, no confidence given", "$text-muted"),
        ]
        if last.note:
            parts += ["  ", Content.styled(_short(last.note, 130), "italic")]
        if last.blockers:
            parts += ["\n", ("Blockers: ", "$warning"), _short(last.blockers, 80)]
        parts += ["\n", ("Since the meeting before: ", "$text-muted")]
        delta = facts.value_delta
        if delta is None:
            parts.append(("no earlier check-in", "$text-muted"))
        else:
            parts.append(delta_text(kr, delta))
            change = facts.confidence_change
            if change and facts.before_last is not None and facts.before_last.confidence:
                parts += [
                    " · confidence ",
                    confidence_trend(change),
                    (f" (was {facts.before_last.confidence.label})", "$text-muted"),
                ]
            else:
                parts.append((" · confidence unchanged", "$text-muted"))
        return Content.assemble(*parts)

    def _show_preview(self) -> None:
        """The change the typed value makes, while typing; errors wait for Enter."""
        line, facts = self.line, self._facts
        preview = self.query_one("#walk-preview", Static)
        if line is None or facts is None:
            show(preview, Content(""))
            return
        if facts.this_meeting is not None and self._untouched():
            accepts = (
                facts.update_before is not None
                and line.kr.id not in self._reviewed
                and not self.settings.owner
            )
            hint = "Enter accepts" if accepts else "Enter keeps it"
            show(preview, Content.styled(f"{hint} · typing corrects", "$accent"))
            return
        try:
            value = parse_value(
                self.query_one("#walk-value", Input).value, line.kr.kr_type, line.kr.unit
            )
        except ValueInputError:
            show(preview, Content(""))
            return
        delta = value - facts.last_value
        if facts.last is not None:
            change = f"{delta_text(line.kr, delta)} since last meeting"
        elif delta:  # the first check-in: there is no last meeting to compare with
            change = f"first check-in, {delta_text(line.kr, delta)} from the baseline"
        else:
            change = "first check-in, at the baseline"
        show(
            preview,
            Content.styled(f"{value_text(line.kr, value)} ({change})", "$text-muted"),
        )

    def _show_extras(self) -> None:
        kr_id = self.current_kr_id
        parts: list[Content | str | tuple[str, str]] = []
        all_actions = self.store.actions(self.cycle.id, kr_id) if self.cycle and kr_id else []
        actions = [a for a in all_actions if a.meeting_date == self.meeting_day]
        earlier = [a for a in all_actions if not a.done and a.meeting_date != self.meeting_day]
        if earlier and self.cycle is not None:
            # Followed up each week until done: ctrl+l ticks them off.
            today = cadence.local_time(self.cycle, self.okr_app.clock.now()).date()
            parts.append(("Open actions (ctrl+l ticks off): ", "$text-muted"))
            for number, action in enumerate(earlier):
                if number:
                    parts.append(("; ", "$text-muted"))
                parts.append(action_label(action, today))
            parts.append("\n")
        if actions:
            parts.append(("Actions: ", "$text-muted"))
            for number, action in enumerate(actions):
                if number:
                    parts.append(("; ", "$text-muted"))
                parts.append(action.text)
                who_and_when = [action.owner] if action.owner else []
                if action.due:
                    who_and_when.append(f"due {cadence.day_text(action.due)}")
                if who_and_when:
                    parts.append((f" ({', '.join(who_and_when)})", "$text-muted"))
            parts.append("\n")
        if self.parked_topics:
            parts.append((f"Parked topics: {len(self.parked_topics)}", "$text-muted"))
        extras = self.query_one("#walk-extras", Static)
        show(extras, Content.assemble(*parts))
        extras.display = bool(parts)

    # --- the countdown ------------------------------------------------------------------

    def _start_countdown(self) -> None:
        countdown = self.query_one("#walk-countdown", Static)
        if self.settings.timebox_minutes <= 0:
            countdown.display = False
            return
        self._seconds_left = self.settings.timebox_minutes * 60
        self._show_countdown()
        if self._timer is None:
            self._timer = self.set_interval(1, self._tick)

    def _tick(self) -> None:
        self._seconds_left -= 1
        self._show_countdown()

    def _show_countdown(self) -> None:
        seconds = self._seconds_left
        minutes, rest = divmod(abs(seconds), 60)
        if seconds >= 0:
            text = Content.styled(f"⏱ {minutes}:{rest:02d} left", "$text-muted")
        else:
            text = Content.styled(f"⏱ {minutes}:{rest:02d} over", "$warning")
        show(self.query_one("#walk-countdown", Static), text)

    # --- typing -------------------------------------------------------------------------

    @on(Input.Changed, "#walk-value")
    def _value_changed(self, event: Input.Changed) -> None:
        """Typing clears the value's error. In a burst ("1,5⏎") the Changed messages arrive
        after Enter has shown the error for the whole text; they must not clear it."""
        if event.value != event.input.value:
            return  # a key typed since has its own message on the way
        if event.value != self._value_error_for:
            self._value_error_for = None
            show(self.query_one("#walk-value-error", Static), Content(""))
        self._show_preview()

    def _parsed_value(self) -> float | None:
        line = self.line
        if line is None:
            return None
        value_input = self.query_one("#walk-value", Input)
        try:
            return parse_value(value_input.value, line.kr.kr_type, line.kr.unit)
        except ValueInputError as problem:
            self.query_one("#walk-value-error", Static).update(Content(str(problem)))
            self._value_error_for = value_input.value
            self.set_focus(value_input)  # at once: the keys after it go to the value
            return None

    action_move_focus = move_focus

    def _untouched(self) -> bool:
        """The fields still say what this meeting's check-in says (nothing typed over it)."""
        facts = self._facts
        return (
            facts is not None
            and facts.kr.id == self._step_kr_id
            and facts.untouched(
                self.query_one("#walk-value", Input).value,
                self.query_one("#walk-note", Input).value,
                self.query_one("#walk-blockers", Input).value,
            )
        )

    @after_typed_keys
    async def action_field_done(self) -> None:
        """Enter in any field: the value must read, then the confidence step saves. On a key
        result already checked in for this meeting (an update given before it), Enter with
        nothing typed over the fields accepts that check-in and moves on."""
        if self.focused is None or self.focused.id not in STEP_FIELDS:
            raise SkipAction()
        if self._untouched():
            await self._accept()
            return
        if self._parsed_value() is not None:
            # set_focus, not focus(): focus() is deferred, so a key already on its way would
            # still land in the field.
            self.set_focus(self.query_one(ConfidencePicker))

    @after_typed_keys
    async def action_confidence(self, value: str) -> None:
        """A confidence key (bound in the confidence row): choose it and save."""
        picker = self.query_one(ConfidencePicker)
        if self.focused is not picker:
            raise SkipAction()
        picker.set(Confidence(value))
        await self._save()

    @after_typed_keys
    async def action_keep_confidence(self) -> None:
        """Enter in the confidence row: save with the confidence shown."""
        if self.focused is not self.query_one(ConfidencePicker):
            raise SkipAction()
        await self._save()

    # --- actions ------------------------------------------------------------------------

    @after_typed_keys
    async def action_save(self) -> None:
        await self._save()

    async def _save(self) -> None:
        line, cycle = self.line, self.cycle
        if line is None or cycle is None or self.meeting_day is None:
            return
        if line.kr.id != self._step_kr_id:  # typed for a step that is no longer on screen
            self._enter_step()
            return
        value = self._parsed_value()
        if value is None:
            return
        picker = self.query_one(ConfidencePicker)
        if picker.confidence is None:
            self.query_one("#walk-form-error", Static).update(
                Content("Choose a confidence: 1 on track, 2 at risk, 3 off track.")
            )
            self.set_focus(picker)
            return
        form_error = self.query_one("#walk-form-error", Static)
        earlier = self._facts.this_meeting if self._facts is not None else None
        if earlier is not None and picker.confidence is earlier.confidence and self._untouched():
            await self._accept()  # the same again is no correction
            return
        try:
            check_in = CheckIn(
                cycle_id=cycle.id,
                kr_id=line.kr.id,
                meeting_date=self.meeting_day,
                value=value,
                confidence=picker.confidence,
                note=self.query_one("#walk-note", Input).value,
                blockers=self.query_one("#walk-blockers", Input).value,
                author=self.settings.facilitator,
                recorded_at=self.okr_app.clock.now(),
                in_meeting=not self.settings.owner,  # an owner's walk updates before it
            )
            stored = self.store.add_check_in(check_in)
        except ValidationError as problem:
            form_error.update(Content(located_error_message(problem)))
            return
        except (RuleViolation, StoreError) as problem:
            form_error.update(Content(str(problem)))
            self.notify(str(problem), severity="error", markup=False)
            return
        self._saved_here(line.kr.id, stored)
        await self._go(1, open_only=True, reread=False)

    async def _accept(self) -> None:
        """Accept this meeting's check-in of the key result on screen as it is: the meeting's
        record notes it as reviewed (no new check-in), and the walk moves on."""
        line, cycle = self.line, self.cycle
        if line is None or cycle is None or self.meeting_day is None:
            return
        if line.kr.id not in self._reviewed and not self.settings.owner:
            try:
                self.store.mark_reviewed(
                    cycle.id,
                    self.settings.team_id,
                    self.meeting_day,
                    line.kr.id,
                    facilitator=self.settings.facilitator,
                    attendees=self.settings.attendees,
                )
            except (RuleViolation, StoreError, ValidationError) as problem:
                self.query_one("#walk-form-error", Static).update(Content(str(problem)))
                self.notify(str(problem), severity="error", markup=False)
                return
        self._saved_here(line.kr.id)
        await self._go(1, open_only=True, reread=False)

    def _saved_here(self, kr_id: str, check_in: CheckIn | None = None) -> None:
        """Take the walk's own save (a check-in, or an accept) into what it shows, without
        reading the store again: the store checked it under its lock, and a change made
        elsewhere meanwhile reaches the walk with the store's poll (StoreChanged). Reading
        every record of the walk again was a fifth of a step's work on the walk's side."""
        if check_in is not None:
            self._check_ins = [*self._check_ins, check_in]  # never the store's own list
            line = self._lines.get(kr_id)
            if line is not None and not line.checked_in_this_meeting:
                self._lines[kr_id] = line._replace(checked_in_this_meeting=True)
        self.walk.done.add(kr_id)

    async def _go(self, step: int, open_only: bool = False, reread: bool = True) -> None:
        """Open the step `step` away from the one on screen (counted in the walk as it is now,
        with key results retired meanwhile left out); past the last one the walk ends in the
        summary.

        `open_only` (after a save or an accept): on to the first key result from there not yet
        reviewed in this meeting, so a resumed walk does not revisit the ones reviewed before;
        with none left, the summary. A correction pass (every key result was reviewed when the
        walk started) goes step by step. `reread` False: the walk's records are up to date
        (`_saved_here`)."""
        shown = self._step_kr_id
        if reread:
            self._load()
        if not self.walk.move(shown, step, open_only=open_only):
            await self._open_summary()
            return
        self._enter_step()

    @after_typed_keys
    async def action_skip(self) -> None:
        await self._go(1)

    @after_typed_keys
    async def action_previous(self) -> None:
        if self.index > 0:
            await self._go(-1)

    @after_typed_keys
    async def action_add_action(self) -> None:
        line, cycle = self.line, self.cycle
        if line is None or cycle is None:
            return
        kr_id, meeting_day = line.kr.id, self.meeting_day

        def make(text: str, owner: str, due: date | None) -> Action:
            return Action(
                cycle_id=cycle.id,
                kr_id=kr_id,
                text=text,
                owner=owner,
                due=due,
                created_at=self.okr_app.clock.now(),
                meeting_date=meeting_day,
            )

        def added(action: Action | None) -> None:
            if action is None:
                return
            try:
                self.store.save_action(action)
            except (RuleViolation, StoreError) as problem:
                self.notify(str(problem), severity="error", markup=False)
                return
            self._show_extras()

        people = tuple(dict.fromkeys([*self.settings.attendees, line.kr.owner]))
        # Awaited: the keys typed after ctrl+o wait until the dialog has focused its first field.
        today = cadence.local_time(cycle, self.okr_app.clock.now()).date()
        await self.app.push_screen(
            ActionDialog(line.kr.title, make, tuple(p for p in people if p), today), added
        )

    @after_typed_keys
    async def action_follow_up(self) -> None:
        """ctrl+l: tick off the key result's open actions that are done."""
        line, cycle = self.line, self.cycle
        if line is None or cycle is None:
            return
        # Awaited: the keys typed after ctrl+l wait until the dialog has the focus.
        if (pushed := self.tick_off_actions(cycle, line.kr, self._show_extras)) is not None:
            await pushed

    @after_typed_keys
    async def action_park_topic(self) -> None:

        def parked(topic: str | None) -> None:
            if topic:
                self._park(topic)
                self._show_extras()

        await self.app.push_screen(ParkDialog(), parked)

    @after_typed_keys
    async def action_finish(self) -> None:
        await self._open_summary()

    async def _open_summary(self) -> None:
        """The meeting summary; awaited, so the keys typed after the last step reach it."""
        if self.meeting_day is None:
            return
        if self.settings.owner:
            self._end_owner_walk()
            return
        from okr_tui.screens.walk.meeting_summary import MeetingSummaryScreen

        await self.app.push_screen(
            MeetingSummaryScreen(self.settings, self.meeting_day, self.order, self.parked_topics)
        )

    def _end_owner_walk(self) -> None:
        """An owner's walk ends on the dashboard: the meeting is held (and closed) later, by
        its facilitator, with these updates in it."""
        done = sum(1 for line in self._lines.values() if line.checked_in_this_meeting)
        when = cadence.day_text(self.meeting_day) if self.meeting_day else "the coming meeting"
        self.notify(
            f"{self._team_name()}: {done} of {len(self.order)} updated for the meeting of "
            f"{when}.",
            title="Updated",
            markup=False,
            timeout=6,
        )
        self.okr_app.open_dashboard()

    @after_typed_keys
    async def action_back(self) -> None:  # type: ignore[override]  # Textual awaits either
        """Leave: what was saved stays; starting again resumes at the first key result not yet
        reviewed."""
        saved = self.walk.done_count
        if self.order:
            self.notify(
                f"Left the check-in: {saved} of {counted(len(self.order), 'key result')} "
                f"{self._done_word}. "
                "Press c to resume.",
                timeout=4,
            )
        super().action_back()

"""The end of the check-in walk: what the facilitator reads out before everyone leaves.

It lists the key results in three groups first: updated before the meeting (accepted in it, or
not reviewed), changed in the meeting, and no update. Closing stores the Meeting record (who was
there, the check-ins, the actions, parked topics, what it accepted) and returns to the
dashboard; `m` saves the same summary as Markdown meeting notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from okr_tui.domain.progress import counted, delta_text, value_text
from okr_tui.domain.walkthrough import (
    MeetingSummary,
    WalkSettings,
    action_text,
    confidence_words,
    meeting_summary,
    summary_markdown,
)
from okr_tui.exchange.files import create_in_folder, ready_exports_folder
from okr_tui.screens.base import OkrScreen
from okr_tui.store.errors import RuleViolation, StoreError
from okr_tui.widgets.badges import confidence_badge
from okr_tui.widgets.cycle_header import CycleHeader
from okr_tui.widgets.key_footer import KeyFooter

Part = Content | str | tuple[str, str]


def _section(title: str, items: Sequence[Content]) -> Content:
    """A heading with its items, or the heading and "none"."""
    if not items:
        return Content.assemble((title, "bold $text-accent"), ("  none", "$text-muted"))
    rows: list[Part] = [(f"{title} ({len(items)})", "bold $text-accent")]
    for item in items:
        rows += ["\n  ", item]
    return Content.assemble(*rows)


SECTION_TITLES = (
    "Updated before the meeting",
    "Changed in the meeting",
    "No update",
    "Moved",
    "Off track",
    "At risk",
    "Blockers",
    "New actions",
    "Done this meeting",
    "Still open from earlier",
    "Parked topics",
)


def summary_content(summary: MeetingSummary) -> list[Content]:
    """The summary as one Content per section; user text stays text."""
    updated_before = []
    for updated in summary.updated_before:
        kr, check_in = updated.kr, updated.check_in
        parts: list[Part] = [
            confidence_badge(check_in.confidence),
            "  ",
            kr.title,
            ("  ", ""),
            (value_text(kr, check_in.value), "bold"),
        ]
        if check_in.author:
            parts.append((f"  by {check_in.author}", "$text-muted"))
        parts.append(
            ("  ✓ accepted", "$success") if updated.reviewed else ("  not reviewed", "$warning")
        )
        updated_before.append(Content.assemble(*parts))
    changed = []
    for change in summary.changed:
        kr, check_in = change.kr, change.check_in
        parts = [
            confidence_badge(check_in.confidence),
            "  ",
            kr.title,
            ("  ", ""),
            (value_text(kr, check_in.value), "bold"),
        ]
        if change.corrected is not None:
            was = change.corrected
            parts.append(
                (
                    f"  (the update said {value_text(kr, was.value)}, {confidence_words(was)})",
                    "$text-muted",
                )
            )
        changed.append(Content.assemble(*parts))
    moved = [
        Content.assemble(
            m.kr.title,
            ("  ", ""),
            (value_text(m.kr, m.before), "$text-muted"),
            " → ",
            (value_text(m.kr, m.after), "bold"),
            (f"  {delta_text(m.kr, m.delta)}", "$accent"),
        )
        for m in summary.moved
    ]

    def with_note(kr_title: str, note: str, confidence) -> Content:
        parts: list[Part] = [confidence_badge(confidence), "  ", kr_title]
        if note:
            parts += [("  — ", "$text-muted"), Content.styled(note, "italic")]
        return Content.assemble(*parts)

    off_track = [with_note(kr.title, ci.note, ci.confidence) for kr, ci in summary.off_track]
    at_risk = [with_note(kr.title, ci.note, ci.confidence) for kr, ci in summary.at_risk]
    missing = [Content(kr.title) for kr in summary.missing]
    blockers = [
        Content.assemble(kr.title, (": ", "$text-muted"), (text, "$warning"))
        for kr, text in summary.blockers
    ]
    actions = [
        Content.assemble(kr.title, (": ", "$text-muted"), action_text(action))
        for kr, action in summary.actions
    ]
    done = [
        Content.assemble(("✓ ", "$success"), kr.title, (": ", "$text-muted"), action_text(action))
        for kr, action in summary.done
    ]
    still_open = [
        Content.assemble(kr.title, (": ", "$text-muted"), action_text(action))
        for kr, action in summary.still_open
    ]
    parked = [Content(topic) for topic in summary.parked_topics]
    sections = (
        updated_before,
        changed,
        missing,
        moved,
        off_track,
        at_risk,
        blockers,
        actions,
        done,
        still_open,
        parked,
    )
    return [_section(title, items) for title, items in zip(SECTION_TITLES, sections, strict=True)]


class MeetingSummaryScreen(OkrScreen):
    HELP_TITLE = "Meeting summary"
    HELP_SUMMARY = "Read it out, then Enter closes the meeting and stores its record."
    CSS_PATH = "meeting_summary.tcss"
    BINDINGS = [
        Binding(
            "enter,ctrl+s",
            "close_meeting",
            "Close meeting",
            id="meeting_summary.close",
            tooltip="Store the meeting record and return to the dashboard",
        ),
        Binding(
            "m",
            "save_notes",
            "Save notes",
            id="meeting_summary.notes",
            tooltip="Save this summary as Markdown meeting notes in the exports folder",
        ),
        Binding(
            "d",
            "save_digest",
            "Digest",
            id="meeting_summary.digest",
            tooltip="Save the meeting's digest for people not in the room: one HTML page, "
            "in the exports folder (okr digest --post sends it to chat)",
        ),
        Binding(
            "escape",
            "back",
            "Back to the walk",
            id="meeting_summary.back",
            tooltip="Return to the walk to change something",
        ),
    ]

    def __init__(
        self,
        settings: WalkSettings,
        meeting_day: date,
        kr_ids: Sequence[str],
        parked_topics: Sequence[str],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.meeting_day = meeting_day
        self.kr_ids = list(kr_ids)
        self.parked_topics = parked_topics
        self.summary: MeetingSummary | None = None
        self.closed = False

    def compose(self) -> ComposeResult:
        yield CycleHeader()
        with VerticalScroll(id="summary"):
            yield Static(id="summary-title")
            yield Static(id="summary-people")
            for index in range(len(SECTION_TITLES)):
                yield Static(id=f"summary-section-{index}", classes="summary-section")
        yield KeyFooter()

    def _team_name(self) -> str:
        if self.settings.team_id is None:
            return "All teams"
        team = self.store.team_or_none(self.settings.team_id)
        return team.name if team else "Team"

    def _attendees(self, cycle_id: str) -> list[str]:
        """Who was there: a meeting walked again after closing keeps the first walk's people."""
        record = self.store.meeting_record(cycle_id, self.settings.team_id, self.meeting_day)
        earlier = record.attendees if record is not None else []
        return list(dict.fromkeys([*earlier, *self.settings.attendees]))

    def reload(self) -> None:
        cycle = self.cycle
        now = self.okr_app.clock.now()
        team_name = self._team_name()
        self.query_one(CycleHeader).show(cycle, team_name if self.settings.team_id else None, now)
        if cycle is None:
            return
        by_id = {kr.id: kr for kr in self.store.key_results(cycle.id)}
        walked = [by_id[kr_id] for kr_id in self.kr_ids if kr_id in by_id]
        record = self.store.meeting_record(cycle.id, self.settings.team_id, self.meeting_day)
        summary = meeting_summary(
            walked,
            self.store.check_ins(cycle.id),
            self.store.actions(cycle.id),
            self.meeting_day,
            team_name=team_name,
            facilitator=self.settings.facilitator,
            attendees=self._attendees(cycle.id),
            parked_topics=self.parked_topics,
            cycle=cycle,
            reviewed_kr_ids=record.reviewed_kr_ids if record is not None else (),
        )
        self.summary = summary
        self.query_one("#summary-title", Static).update(
            Content.assemble(
                ("Check-in summary", "bold"),
                " · ",
                (team_name, "bold $accent"),
                f" · {self.meeting_day.strftime('%A %d %B %Y')}",
                (
                    f"   {len(summary.checked_in)} of "
                    f"{counted(summary.walked, 'key result')} checked in",
                    "$text-muted",
                ),
            )
        )
        people: list[Part] = []
        if summary.facilitator:
            people += [("Facilitator ", "$text-muted"), summary.facilitator, "   "]
        people += [
            ("Present ", "$text-muted"),
            ", ".join(summary.attendees) if summary.attendees else "nobody ticked",
        ]
        self.query_one("#summary-people", Static).update(Content.assemble(*people))
        for index, section in enumerate(summary_content(summary)):
            self.query_one(f"#summary-section-{index}", Static).update(section)

    def action_close_meeting(self) -> None:
        cycle, summary = self.cycle, self.summary
        if cycle is None or summary is None or self.closed:
            return
        # The store completes the meeting's one record (the walk keeps its parked topics and
        # accepted updates there as they come; a meeting closed before keeps its record).
        try:
            self.store.close_meeting(
                cycle.id,
                self.settings.team_id,
                self.meeting_day,
                facilitator=self.settings.facilitator,
                attendees=summary.attendees,
                check_in_ids=summary.check_in_ids,
                action_ids=summary.action_ids,
                parked_topics=summary.parked_topics,
            )
        except (RuleViolation, StoreError, ValueError) as problem:
            self.notify(f"The meeting was not stored: {problem}", severity="error", markup=False)
            return
        self.closed = True
        self.notify(
            f"Meeting of {self.meeting_day.isoformat()} closed: "
            f"{len(summary.checked_in)} of {counted(summary.walked, 'key result')} checked in.",
            markup=False,
        )
        self.okr_app.open_dashboard()

    def action_save_notes(self) -> None:
        """Markdown notes in the exports folder, written off the UI thread (the app reports
        where they went, or why they could not be saved)."""
        if self.summary is None:
            return
        notes = summary_markdown(self.summary)
        stem = f"meeting-{self.meeting_day.isoformat()}"

        def save() -> str:
            path = create_in_folder(ready_exports_folder(), stem, "md", notes)
            return f"Meeting notes saved to {path}"

        self.okr_app.run_slow_work("Meeting notes", save, "Saving the meeting notes…")

    def action_save_digest(self) -> None:
        """The digest of this meeting as one self-contained HTML page (the board and what the
        summary reads out, with the forecast's warnings) in the exports folder, written off the
        UI thread; `okr digest --post` sends it to a chat."""
        import dataclasses

        from okr_tui.exchange.digest import build_digest, digest_html

        cycle = self.cycle
        if self.summary is None or cycle is None:
            return
        team = self.store.team_or_none(self.settings.team_id) if self.settings.team_id else None
        built = dataclasses.replace(
            build_digest(self.store, cycle, team, self.meeting_day), summary=self.summary
        )
        page = digest_html(built)
        stem = f"digest-{self.meeting_day.isoformat()}"

        def save() -> str:
            path = create_in_folder(ready_exports_folder(), stem, "html", page)
            return f"Digest saved to {path}"

        self.okr_app.run_slow_work("Digest", save, "Saving the digest…")

"""The meeting digest: what the people who were not in the room need from a check-in.

One digest per meeting and team (or all teams): what moved, what is at risk or off track and
why, blockers, decisions, new actions with owners and dates, actions still open and parked
topics, from the store as the summary screen reads them. Written as Markdown, as one
self-contained HTML page (inline CSS, no scripts, nothing loaded from the network) that also
shows the board, or as the payload of a Slack or Microsoft Teams incoming webhook, which `post`
sends. A webhook URL is the user's (command line, config or environment), never the store's, and
no message here ever shows it.
"""

from __future__ import annotations

import html
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from okr_tui.domain import board, forecast, progress
from okr_tui.domain.models import CheckIn, Cycle, KeyResult, Team
from okr_tui.domain.walkthrough import (
    MeetingSummary,
    action_text,
    changed_text,
    confidence_words,
    meeting_summary,
    summary_markdown,
    updated_text,
    walk_lines,
)
from okr_tui.store.store import OkrStore

FORMATS = ("md", "html", "slack", "teams")
POST_TIMEOUT_SECONDS = 10.0
POST_ATTEMPTS = 3


class DigestPostError(Exception):
    """A post that did not go through, said in one line that never holds the URL."""


@dataclass(frozen=True)
class Digest:
    cycle: Cycle
    summary: MeetingSummary
    decisions: tuple[str, ...]
    lines: tuple[board.KeyResultLine, ...]
    """The board of the walked key results, for the HTML page."""
    forecast_warnings: tuple[tuple[KeyResult, str], ...] = ()
    """Key results whose trend and owner's confidence disagree (domain/forecast.py)."""


def build_digest(store: OkrStore, cycle: Cycle, team: Team | None, meeting_day: date) -> Digest:
    """The digest of the meeting on `meeting_day` of `team` (None: all teams), with its record's
    people, decisions and parked topics when the meeting was stored."""
    objectives = store.objectives(cycle.id)
    key_results = store.key_results(cycle.id)
    check_ins = store.check_ins(cycle.id)
    team_id = team.id if team else None
    lines = walk_lines(
        board.key_result_lines(cycle, objectives, key_results, check_ins, store.clock.now()),
        team_id,
        team_order=[t.id for t in store.teams()],
    )
    records = [
        record
        for record in store.meetings(cycle.id)
        if record.team_id == team_id and record.meeting_date == meeting_day
    ]
    attendees: list[str] = []
    facilitator = ""
    parked: list[str] = []
    decisions: list[str] = []
    for record in records:
        facilitator = facilitator or record.facilitator
        attendees += [name for name in record.attendees if name not in attendees]
        parked += record.parked_topics
        decisions += record.decisions
    reviewed = [kr_id for record in records for kr_id in record.reviewed_kr_ids]
    summary = meeting_summary(
        [line.kr for line in lines],
        check_ins,
        store.actions(cycle.id),
        meeting_day,
        team_name=team.name if team else "All teams",
        facilitator=facilitator,
        attendees=attendees,
        parked_topics=parked,
        reviewed_kr_ids=reviewed,
    )
    walked = [line.kr for line in lines]
    warnings = forecast.warnings(walked, cycle, check_ins)
    return Digest(cycle, summary, tuple(decisions), tuple(lines), tuple(warnings))


def last_meeting_held(
    store: OkrStore, cycle: Cycle, team: Team | None, up_to: date
) -> date | None:
    """The latest meeting day, up to `up_to`, with a check-in of the team's key results (all
    teams: any) or a stored record: the digest to send by default, even before this week's
    meeting has started."""
    team_id = team.id if team else None
    objectives = [o.id for o in store.objectives(cycle.id) if team is None or o.team_id == team_id]
    kr_ids = {kr.id for kr in store.key_results(cycle.id, objective_ids=objectives)}
    held = {c.meeting_date for c in store.check_ins(cycle.id) if c.kr_id in kr_ids}
    held |= {
        record.meeting_date
        for record in store.meetings(cycle.id)
        if team is None or record.team_id == team_id
    }
    return max((day for day in held if day <= up_to), default=None)


def _kr_confidence(kr: KeyResult, check_in: CheckIn) -> str:
    words = f"{kr.title}: {confidence_words(check_in)}"
    return f"{words} ({check_in.note})" if check_in.note else words


def _moved(summary: MeetingSummary) -> list[str]:
    return [
        f"{moved.kr.title}: {progress.value_text(moved.kr, moved.before)} → "
        f"{progress.value_text(moved.kr, moved.after)}"
        for moved in summary.moved
    ]


def digest_sections(digest: Digest) -> list[tuple[str, list[str]]]:
    """(heading, items) in the order the summary screen reads them out; plain text items."""
    summary = digest.summary
    return [
        ("What moved", _moved(summary)),
        (
            "At risk or off track",
            [
                _kr_confidence(kr, check_in)
                for kr, check_in in (*summary.off_track, *summary.at_risk)
            ],
        ),
        ("Blockers", [f"{kr.title}: {text}" for kr, text in summary.blockers]),
        ("Decisions", list(digest.decisions)),
        ("New actions", [f"{kr.title}: {action_text(a)}" for kr, a in summary.actions]),
        (
            "Still open from earlier",
            [f"{kr.title}: {action_text(a)}" for kr, a in summary.still_open],
        ),
        ("Parked topics", list(summary.parked_topics)),
        ("Updated before the meeting", [updated_text(u) for u in summary.updated_before]),
        ("Changed in the meeting", [changed_text(c) for c in summary.changed]),
        ("No update", [kr.title for kr in summary.missing]),
        ("Forecast warnings", [f"{kr.title}: {said}" for kr, said in digest.forecast_warnings]),
    ]


def _title(digest: Digest) -> str:
    summary = digest.summary
    day = summary.meeting_date.isoformat()
    return f"Check-in {day} · {summary.team_name} · {digest.cycle.name}"


def _headline(summary: MeetingSummary) -> str:
    return (
        f"Checked in: {len(summary.checked_in)} of "
        f"{progress.counted(summary.walked, 'key result')}"
    )


# --- Markdown -------------------------------------------------------------------------------


def digest_markdown(digest: Digest) -> str:
    """The meeting notes the summary's `m` saves, with the meeting's decisions and the
    forecast's warnings added."""
    notes = summary_markdown(digest.summary).rstrip("\n")
    extra = [("Decisions", list(digest.decisions))]
    extra.append(("Forecast warnings", [f"{kr.title}: {w}" for kr, w in digest.forecast_warnings]))
    for heading, items in extra:
        if items:
            notes += "\n\n" + "\n".join([f"## {heading}", "", *(f"- {item}" for item in items)])
    return notes + "\n"


# --- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; color: #1b1f24;
  line-height: 1.4; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.3rem; }
table { border-collapse: collapse; width: 100%; }
td { padding: 0.25rem 0.5rem 0.25rem 0; vertical-align: top; }
.bar { width: 8rem; height: 0.7rem; background: #e3e6ea; border-radius: 0.35rem; }
.fill { height: 100%; background: #3b7dd8; border-radius: 0.35rem; }
.on_track { color: #1a7f37; } .at_risk { color: #9a6700; } .off_track { color: #cf222e; }
.muted { color: #656d76; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _board_html(lines: Sequence[board.KeyResultLine]) -> list[str]:
    parts: list[str] = []
    current = None
    for line in lines:
        if line.objective.id != current:
            if current is not None:
                parts.append("</table>")
            current = line.objective.id
            parts.append(f"<h3>{_e(line.objective.title)}</h3><table>")
        percent = round(line.progress * 100)
        confidence = line.confidence
        badge = (
            f'<span class="{confidence.value}">● {confidence.label}</span>'
            if confidence
            else '<span class="muted">no check-in</span>'
        )
        target = (
            ""
            if line.kr.kr_type.value == "milestone"
            else f" / {_e(progress.value_text(line.kr, line.kr.target))}"
        )
        parts.append(
            "<tr>"
            f"<td>{_e(line.kr.title)}</td>"
            f'<td><div class="bar" title="{percent}%"><div class="fill" '
            f'style="width: {max(0, min(100, percent))}%"></div></div></td>'
            f"<td>{percent}%</td>"
            f"<td>{_e(progress.value_text(line.kr, line.value))}{target}</td>"
            f"<td>{badge}</td>"
            "</tr>"
        )
    if current is not None:
        parts.append("</table>")
    return parts


def digest_html(digest: Digest) -> str:
    """One self-contained page: inline CSS, no script, no link or image to fetch."""
    summary = digest.summary
    people = []
    if summary.facilitator:
        people.append(f"Facilitator: {_e(summary.facilitator)}")
    if summary.attendees:
        people.append(f"Present: {_e(', '.join(summary.attendees))}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_title(digest))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(_title(digest))}</h1>",
        f'<p class="muted">{" · ".join([*people, _e(_headline(summary))])}</p>',
    ]
    for heading, items in digest_sections(digest):
        parts.append(f"<h2>{_e(heading)}</h2>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>")
        else:
            parts.append('<p class="muted">none</p>')
    parts.append("<h2>The board</h2>")
    parts += _board_html(digest.lines)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- chat payloads ----------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    """Slack reads &, < and > as markup (links, mentions): escaped, user text stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(digest: Digest) -> dict[str, Any]:
    """A Slack incoming-webhook message: a header, the headline, then one block per section
    that has something to say (Slack caps a text block at 3,000 characters)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _title(digest)[:150]}},
        {
            "type": "context",
            "elements": [{"type": "plain_text", "text": _headline(digest.summary)}],
        },
    ]
    for heading, items in digest_sections(digest):
        if not items:
            continue
        text = f"*{heading}*\n" + "\n".join(f"• {_slack_escape(item)}" for item in items)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    return {"text": _title(digest), "blocks": blocks}


def teams_payload(digest: Digest) -> dict[str, Any]:
    """A Microsoft Teams workflow webhook message: one Adaptive Card, plain text blocks only
    (TextBlock reads a subset of Markdown, so user text has it escaped)."""

    def plain(text: str) -> str:
        return "".join(f"\\{ch}" if ch in "*_[]()#>`~\\" else ch for ch in text)

    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Large", "weight": "Bolder", "text": plain(_title(digest))},
        {"type": "TextBlock", "isSubtle": True, "text": plain(_headline(digest.summary))},
    ]
    for heading, items in digest_sections(digest):
        if not items:
            continue
        body.append({"type": "TextBlock", "weight": "Bolder", "text": plain(heading)})
        body.append(
            {"type": "TextBlock", "wrap": True, "text": "\n\n".join(f"- {plain(i)}" for i in items)}
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def render(digest: Digest, file_format: str) -> str:
    if file_format == "md":
        return digest_markdown(digest)
    if file_format == "html":
        return digest_html(digest)
    if file_format == "slack":
        return json.dumps(slack_payload(digest), ensure_ascii=False, indent=2) + "\n"
    if file_format == "teams":
        return json.dumps(teams_payload(digest), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown digest format {file_format!r}")


# --- posting ----------------------------------------------------------------------------------


def webhook_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook, without repeating it (it is a secret)."""
    if not url.startswith(("https://", "http://")):
        return "the webhook URL must start with https:// (or http:// for a local test server)"
    return None


def post(
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float = POST_TIMEOUT_SECONDS,
    attempts: int = POST_ATTEMPTS,
    pause: Callable[[float], None] = time.sleep,
) -> None:
    """Send `payload` as JSON; a failure that may pass (a timeout, a refused connection, a 5xx
    or 429 answer) is tried again after 1 s, then 2 s. Raises DigestPostError with one line that
    never holds the URL (it carries the webhook's secret)."""
    if (problem := webhook_problem(url)) is not None:
        raise DigestPostError(problem)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    reason = ""
    made = 0
    for attempt in range(attempts):
        made = attempt + 1
        if attempt:
            pause(float(2 ** (attempt - 1)))
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return
        except urllib.error.HTTPError as error:
            reason = f"the webhook answered {error.code} {error.reason}"
            if error.code < 500 and error.code != 429:
                break  # a refusal (bad payload, revoked hook) does not pass by trying again
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            cause = getattr(error, "reason", error)
            reason = f"could not reach the webhook ({_without(cause, url)})"
    tries = "1 try" if made == 1 else f"{made} tries"
    raise DigestPostError(f"{reason}; gave up after {tries}")


def _without(cause: object, url: str) -> str:
    """An error's text with the URL left out (some errors quote it)."""
    return str(cause).replace(url, "the webhook URL") or type(cause).__name__

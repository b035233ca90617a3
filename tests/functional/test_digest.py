"""The meeting digest: Markdown, a self-contained HTML page read back and compared with the store,
Slack and Teams payloads, and posts to a local webhook on loopback (never the internet)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from okr_tui.domain import board, progress
from okr_tui.domain.models import Meeting
from okr_tui.exchange import digest
from okr_tui.store.store import OkrStore

CLOCK_AT = "2026-11-23T10:00:00Z"
LAST_MEETING = date(2026, 11, 16)  # the demo's latest meeting with check-ins
HOSTILE = "Grow [b]now[/] <script>alert(1)</script> & <!channel> *bold* _x_"


def _sales(store: OkrStore):
    return store.team_named("Sales")


def _with_record(store: OkrStore) -> OkrStore:
    """The Sales meeting of 16 November stored with a decision and a parked topic, and one key
    result renamed to hostile text."""
    cycle = store.current_cycle()
    team = _sales(store)
    objectives = [o.id for o in store.objectives(cycle.id) if o.team_id == team.id]
    kr = store.key_results(cycle.id, objective_ids=objectives)[0]
    store.save_key_result(kr.model_copy(update={"title": HOSTILE}))
    store.save_meeting(
        Meeting(
            cycle_id=cycle.id,
            team_id=team.id,
            meeting_date=LAST_MEETING,
            facilitator="Gus",
            attendees=["Gus", "Hana"],
            decisions=["Drop the <webinar> channel & focus on demos"],
            parked_topics=["Pricing for partners"],
        )
    )
    return store


class _Text(HTMLParser):
    """An HTML page read back: its text, its tags, and every attribute that could load a URL."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.loads += [value or "" for name, value in attrs if name in ("src", "href", "action")]

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


def test_the_markdown_digest_has_the_meeting_and_its_decisions(demo_store):
    store = _with_record(demo_store)
    built = digest.build_digest(store, store.current_cycle(), _sales(store), LAST_MEETING)
    notes = digest.digest_markdown(built)
    assert notes.startswith("# Check-in 2026-11-16 · Sales")
    assert "Facilitator: Gus" in notes and "Present: Gus, Hana" in notes
    assert "## Decisions\n\n- Drop the <webinar> channel & focus on demos\n" in notes
    assert "- Pricing for partners" in notes


def test_the_html_page_is_self_contained_and_shows_what_the_store_holds(demo_store):
    store = _with_record(demo_store)
    cycle = store.current_cycle()
    built = digest.build_digest(store, cycle, _sales(store), LAST_MEETING)
    page = digest.digest_html(built)
    read = _Text()
    read.feed(page)
    assert "script" not in read.tags and "img" not in read.tags and "link" not in read.tags
    assert read.loads == []  # nothing to fetch: no src, no href
    assert "@import" not in page and "url(" not in page
    text = read.text
    assert HOSTILE in text  # shown as typed, never as markup
    assert "Drop the <webinar> channel & focus on demos" in text
    # The board: every walked key result, with the value and percentage the store gives.
    lines = board.key_result_lines(
        cycle,
        store.objectives(cycle.id),
        store.key_results(cycle.id),
        store.check_ins(cycle.id),
        store.clock.now(),
    )
    sales = [line for line in lines if line.objective.team_id == _sales(store).id]
    assert len(sales) == built.summary.walked == 3
    for line in sales:
        at = text.index(line.kr.title)
        assert text[at + 1] == f"{round(line.progress * 100)}%"
        assert text[at + 2].startswith(progress.value_text(line.kr, line.value))


def test_chat_payloads_keep_user_text_as_text(demo_store):
    store = _with_record(demo_store)
    built = digest.build_digest(store, store.current_cycle(), _sales(store), LAST_MEETING)
    slack = json.dumps(digest.slack_payload(built))
    assert "&lt;!channel&gt;" in slack and "<!channel>" not in slack  # no mention of everyone
    assert "&lt;script&gt;" in slack
    assert slack.count('"type": "section"') >= 3  # moved, decisions, parked topics at least
    teams = digest.teams_payload(built)
    card = teams["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    texts = " ".join(block["text"] for block in card["body"])
    assert "\\*bold\\*" in texts and "\\[b\\]now\\[/\\]" in texts  # Markdown escaped


class _Webhook:
    """A local incoming webhook on loopback that answers with the given statuses in turn."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                status = hook.statuses.pop(0) if len(hook.statuses) > 1 else hook.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/s3cret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_post_is_tried_again_after_a_server_error_and_arrives_whole():
    pauses: list[float] = []
    with _Webhook([500, 503, 200]) as hook:
        digest.post(hook.url, {"text": "hello"}, pause=pauses.append)
    assert hook.bodies == [{"text": "hello"}] * 3
    assert pauses == [1.0, 2.0]


def test_a_refused_post_is_not_repeated_and_the_error_never_shows_the_url():
    with _Webhook([404]) as hook, pytest.raises(digest.DigestPostError) as raised:
        digest.post(hook.url, {"text": "hello"}, pause=lambda _: None)
    assert len(hook.bodies) == 1
    assert str(raised.value) == "the webhook answered 404 Not Found; gave up after 1 try"
    assert "s3cret" not in str(raised.value)


def _okr(*args: str, home: Path, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "OKR_HOME": str(home), "PYTHONIOENCODING": "utf-8", **(env or {})}
    full.pop("OKR_DB", None)
    if env is None:
        full.pop("OKR_DIGEST_WEBHOOK", None)
    return subprocess.run(
        [sys.executable, "-m", "okr_tui", "--at", CLOCK_AT, "--db", str(home / "store"), *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
    )


@pytest.fixture
def home(demo_store: OkrStore, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    demo_store.folder.rename(home / "store")
    return home


def test_okr_digest_prints_the_latest_meeting_held_and_posts_to_the_configured_hook(home: Path):
    printed = _okr("digest", "--team", "sales", home=home)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("# Check-in 2026-11-16 · Sales")
    with _Webhook([200]) as hook:
        (home / "config").mkdir()
        (home / "config" / "config.toml").write_text(f'digest_webhook = "{hook.url}"\n')
        posted = _okr("digest", "--team", "Sales", "--format", "slack", "--post", home=home)
    assert posted.returncode == 0, posted.stderr
    assert posted.stdout == ""
    assert posted.stderr == "Posted the 2026-11-16 digest of Sales (slack)\n"
    [body] = hook.bodies
    assert body["text"] == "Check-in 2026-11-16 · Sales · 2026-Q4"


def test_okr_digest_post_failures_are_one_line_without_the_url(home: Path):
    with _Webhook([400]) as hook:
        refused = _okr(
            "digest", "--format", "teams", "--post", home=home,
            env={"OKR_DIGEST_WEBHOOK": hook.url},
        )
    assert refused.returncode == 2
    assert refused.stderr == (
        "okr: the digest was not posted: the webhook answered 400 Bad Request; "
        "gave up after 1 try\n"
    )
    assert "s3cret" not in refused.stdout + refused.stderr
    missing = _okr("digest", "--format", "slack", "--post", home=home)
    assert missing.returncode == 2 and "needs a webhook URL" in missing.stderr
    wrong_format = _okr("digest", "--post", "http://127.0.0.1:9/x", home=home)
    assert "add --format slack or --format teams" in wrong_format.stderr


def test_the_digest_warns_where_the_trend_and_the_owner_disagree(demo_store):
    from okr_tui.domain.models import CheckIn, Confidence

    store = demo_store
    cycle = store.current_cycle()
    leads = next(
        kr for kr in store.key_results(cycle.id) if kr.title.startswith("Increase qualified leads")
    )
    # Back at the baseline for the last six meetings, while the owner keeps saying on track.
    for week in range(6):
        day = LAST_MEETING - timedelta(weeks=week)
        store.add_check_in(
            CheckIn(
                cycle_id=cycle.id, kr_id=leads.id, meeting_date=day, value=leads.baseline,
                confidence=Confidence.ON_TRACK, recorded_at=store.clock.now(),
            )
        )
    built = digest.build_digest(store, cycle, _sales(store), LAST_MEETING)
    owner = leads.owner or "the owner"
    said = f"{leads.title}: the trend says 0.0, {owner} says on track: talk"
    assert ("Forecast warnings", [said]) in digest.digest_sections(built)
    assert f"## Forecast warnings\n\n- {said}\n" in digest.digest_markdown(built)


async def test_d_on_the_meeting_summary_saves_the_digest_page(demo_store, make_app, isolated_home):
    from test_walkthrough import Keys, start_walk

    from okr_tui.screens.walk.meeting_summary import MeetingSummaryScreen

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        keys = Keys(pilot)
        await start_walk(keys)
        await keys.type("107")
        await keys("enter", "g", "ctrl+f")
        assert isinstance(app.screen, MeetingSummaryScreen)
        summary = app.screen.summary
        await keys("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        page = isolated_home / "data" / "exports" / "digest-2026-11-23.html"
        assert f"Digest saved to {page}" in [n.message for n in app._notifications]
    read = _Text()
    read.feed(page.read_text(encoding="utf-8"))
    assert read.loads == [] and "script" not in read.tags
    moved = summary.moved[0]
    assert any(item.startswith(f"{moved.kr.title}: ") for item in read.text)  # what moved
    assert f"Check-in 2026-11-23 · {summary.team_name} · 2026-Q4" in read.text

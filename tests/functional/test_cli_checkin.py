"""`okr checkin` as a script types it: a correction keeps what the meeting wrote down, and a
value in money is refused on a key result that does not count money."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_cli import MEETING, _store, assert_user_error, okr

from okr_tui.domain.progress import effective_check_ins


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli-checkin") / "home"
    assert okr("demo", home=home).returncode == 0
    return home


@pytest.fixture
def home(demo_home: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(demo_home, copy)
    return copy


def kr_titled(home: Path, start: str):
    store = _store(home)
    cycle = store.current_cycle()
    return next(kr for kr in store.key_results(cycle.id) if kr.title.startswith(start))


def this_meeting(home: Path, kr_id: str):
    store = _store(home)
    kr = store.find_key_result(kr_id)
    return [
        c
        for c in effective_check_ins(store.check_ins(kr.cycle_id, kr.id))
        if c.meeting_date == MEETING
    ]


def test_a_correction_without_note_keeps_the_earlier_note_and_blockers_and_says_so(home):
    """Correcting the value alone wiped the note and blockers the meeting had written down."""
    kr = kr_titled(home, "Reach 500")
    first = okr(
        "checkin", "--kr", kr.id, "--value", "420", "--confidence", "on track",
        "--note", "Two deals signed", "--blockers", "Legal review", home=home,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "Kept" not in first.stdout

    fixed = okr("checkin", "--kr", kr.id, "--value", "421", home=home)

    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.splitlines()[0].startswith("Corrected the check-in")
    assert fixed.stdout.splitlines()[1] == (
        'Kept the earlier note and blockers (--note and --blockers replace them; "" clears)'
    )
    [check_in] = this_meeting(home, kr.id)
    assert (check_in.value, check_in.note, check_in.blockers) == (
        421.0,
        "Two deals signed",
        "Legal review",
    )


def test_a_correction_with_an_empty_note_clears_it(home):
    kr = kr_titled(home, "Reach 500")
    okr("checkin", "--kr", kr.id, "--value", "420", "--confidence", "g", "--note", "x", home=home)

    fixed = okr("checkin", "--kr", kr.id, "--value", "421", "--note", "", home=home)

    assert fixed.returncode == 0, fixed.stderr
    assert "Kept" not in fixed.stdout
    [check_in] = this_meeting(home, kr.id)
    assert check_in.note == ""


def test_a_currency_sign_on_a_key_result_not_counted_in_money_is_refused(home):
    """`--value '$1,200'` on a "leads" key result was stored as 1200 leads, silently."""
    kr = kr_titled(home, "Increase qualified leads")
    assert kr.unit == "leads"
    before = this_meeting(home, kr.id)

    result = okr("checkin", "--kr", kr.id, "--value", "$1,200", "--confidence", "g", home=home)

    assert_user_error(result, "'$1,200'", "counted in 'leads', not money", "without '$'")
    assert this_meeting(home, kr.id) == before


def test_a_currency_sign_on_a_key_result_counted_in_money_is_read(home):
    kr = kr_titled(home, "Reach 500")
    store = _store(home)
    store.save_key_result(kr.model_copy(update={"unit": "$"}), expected=kr)

    result = okr("checkin", "--kr", kr.id, "--value", "$1,200", "--confidence", "g", home=home)

    assert result.returncode == 0, result.stderr
    [check_in] = this_meeting(home, kr.id)
    assert check_in.value == 1200.0

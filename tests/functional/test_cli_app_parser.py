"""Opening the app parses its command line without building every command's parser (issue 19),
and reads it exactly as the full parser does."""

from __future__ import annotations

import argparse

import pytest

from okr_tui import cli

APP_LINES = [
    [],
    ["--db", "/tmp/store", "--at", "2026-11-23T10:00:00Z"],
    ["--theme", "okr-light", "--read-only"],
    ["--d", "/tmp/store"],  # an abbreviated option, as argparse allows
    ["--at=2026-11-23T10:00"],
]


@pytest.mark.parametrize("argv", APP_LINES)
def test_the_app_line_is_read_as_the_full_parser_reads_it(argv: list[str]) -> None:
    assert cli.parse_arguments(argv) == cli.build_parser().parse_args(argv)


def test_opening_the_app_builds_no_command_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    add_parser = argparse._SubParsersAction.add_parser

    def counting(self, name, **kwargs):
        built.append(name)
        return add_parser(self, name, **kwargs)

    monkeypatch.setattr(argparse._SubParsersAction, "add_parser", counting)
    assert cli.parse_arguments(["--db", "/tmp/store"]).command is None
    assert built == []
    assert cli.parse_arguments(["--db", "/tmp/store", "due"]).command == "due"
    assert "due" in built


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bogus"], "invalid choice: 'bogus'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--db"], "argument --db: expected one argument"),
    ],
)
def test_a_line_the_app_cannot_take_gets_the_full_parsers_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as leaving:
        cli.parse_arguments(argv)
    assert leaving.value.code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "COMMAND" in error  # the full parser's usage line

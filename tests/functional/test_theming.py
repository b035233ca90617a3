"""Themes as data files and the remembered settings: loading, validation, the app's choice."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest
from repo import ROOT
from textual.color import Color
from textual.command import CommandPalette
from textual.theme import Theme

from okr_tui import config, paths, theming
from okr_tui.screens.dashboard import DashboardScreen

REPO_THEMES = ROOT / "themes"
SHIPPED = ("okr-dark", "okr-light", "okr-projector")
COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
)

VALID = """
name = "ocean"
primary = "#0077B6"
foreground = "#FFFFFF"
background = "#03045E"
"""


def write_user_theme(name: str, text: str) -> Path:
    folder = paths.user_themes_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def notifications(app) -> list[str]:
    return [notification.message for notification in app._notifications]


# --- loading and validation ------------------------------------------------------------------


def test_shipped_themes_are_found_in_the_checkout_folder():
    folder = theming.shipped_themes_folder()
    assert folder is not None
    assert Path(str(folder)).resolve() == REPO_THEMES
    themes, problems = theming.load_themes()
    assert problems == []
    assert set(SHIPPED) <= set(themes)
    assert theming.DEFAULT_THEME == "okr-dark"


def test_an_installed_wheel_finds_its_themes_inside_the_package(tmp_path, monkeypatch):
    """The wheel carries themes/ as okr_tui/_themes (pyproject force-include)."""
    package = tmp_path / "okr_tui"
    (package / "_themes").mkdir(parents=True)
    (package / "_themes" / "okr-dark.toml").write_text(
        VALID.replace('"ocean"', '"okr-dark"'), encoding="utf-8"
    )
    monkeypatch.setattr(theming.resources, "files", lambda name: package)
    assert Path(str(theming.shipped_themes_folder())) == package / "_themes"
    themes, problems = theming.load_themes()
    assert problems == [] and list(themes) == ["okr-dark"]


@pytest.mark.parametrize("file", sorted(REPO_THEMES.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_theme_validates_and_sets_every_colour(file: Path):
    theme = theming.read_theme(file)
    assert isinstance(theme, Theme)
    assert theme.name == file.stem
    for field in COLOUR_FIELDS:
        assert getattr(theme, field), f"{file.name} leaves {field} to Textual's default"
    theme.to_color_system().generate()  # Textual accepts it


def test_light_and_projector_themes_are_what_they_say():
    themes, _ = theming.load_themes()
    assert themes["okr-light"].dark is False
    projector = themes["okr-projector"]
    assert projector.background.upper() == "#000000"
    assert projector.foreground.upper() == "#FFFFFF"
    # No dim grey text: even muted text stays near white.
    for name in ("text", "text-muted", "foreground-muted"):
        assert Color.parse(projector.variables[name]).brightness > 0.85


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = ", "not valid TOML"),
        ('name = "x"\nprimary = "#123456"\nbackground = "#000000"', "missing foreground"),
        (VALID.replace("#0077B6", "#zz0000"), "primary: '#zz0000' is not a colour"),
        (VALID + 'primery = "#000000"\n', "primery: not a theme field"),
        (VALID.replace('"ocean"', '"my theme"'), "not a usable name"),
        (VALID + "dark = 'yes'\n", "dark:"),
        (VALID + "text_alpha = 3.0\n", "text_alpha:"),
        (VALID + '[variables]\nfooter-key-foreground = "banana"\n', "is not a colour"),
        (VALID + '[variables]\nlink-style = "purple"\n', "is not a text style"),
    ],
)
def test_a_broken_theme_says_what_is_wrong(text: str, expected: str):
    with pytest.raises(theming.ThemeError) as error:
        theming.parse_theme(text)
    assert expected in str(error.value)


def test_variables_accept_colours_with_alpha_and_text_styles():
    theme = theming.parse_theme(
        VALID
        + '[variables]\ninput-selection-background = "#81a1c1 35%"\n'
        + 'block-cursor-text-style = "b reverse"\ntext = "auto 90%"\n'
    )
    assert theme.variables["block-cursor-text-style"] == "b reverse"


def test_broken_user_files_are_skipped_and_good_ones_load():
    write_user_theme("ocean.toml", VALID)
    write_user_theme("broken.toml", "name = [")
    write_user_theme("okr-dark.toml", VALID.replace('"ocean"', '"okr-dark"').replace("#", "#x"))
    write_user_theme("binary.toml", "").write_bytes(b"\xff\xfe")
    write_user_theme("notes.txt", "not a theme")
    themes, problems = theming.load_themes()
    assert "ocean" in themes
    # The broken override of okr-dark is skipped; the shipped okr-dark stays.
    assert (
        themes["okr-dark"].background
        == theming.read_theme(REPO_THEMES / "okr-dark.toml").background
    )
    assert len(problems) == 3
    assert any(p.startswith("Theme file broken.toml skipped: not valid TOML") for p in problems)
    assert any("binary.toml skipped: is not UTF-8" in p for p in problems)
    assert any("okr-dark.toml skipped: primary:" in p for p in problems)


def test_a_user_theme_may_replace_a_shipped_one_by_name():
    write_user_theme("mine.toml", VALID.replace('"ocean"', '"okr-light"'))
    themes, problems = theming.load_themes()
    assert problems == []
    assert themes["okr-light"].background == "#03045E"


# --- settings file ---------------------------------------------------------------------------


def test_settings_round_trip_through_a_private_file():
    settings = config.Settings(
        theme="okr-projector", cursor_blink=False, keymap={"dashboard.check_in": "i"}
    )
    path = config.save_settings(settings)
    assert path == paths.config_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.load_settings() == (settings, [])
    assert tomllib.loads(path.read_text())["theme"] == "okr-projector"


def test_missing_config_means_defaults_without_complaint():
    assert config.load_settings() == (config.Settings(), [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theme = ", "not valid TOML"),
        ("them = 'okr-light'", "them: not a setting"),
        ("cursor_blink = 'no'", "cursor_blink:"),
        ('theme = "a\\"b"', "is not a theme name"),
        ("[keymap]\n'dashboard.plan' = 'ctrl + p'", "no spaces"),
    ],
)
def test_an_invalid_config_gives_defaults_and_a_message(text: str, expected: str):
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    settings, problems = config.load_settings()
    assert settings == config.Settings()
    assert len(problems) == 1 and expected in problems[0]


def test_toml_strings_are_escaped():
    text = config.dumps_settings(config.Settings(keymap={"app.help": 'f1,"\\'}))
    assert tomllib.loads(text)["keymap"] == {"app.help": 'f1,"\\'}


# --- the app ---------------------------------------------------------------------------------


async def test_the_app_starts_with_okr_dark_when_nothing_is_configured(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "okr-dark"
        assert set(SHIPPED) <= set(app.available_themes)
        assert notifications(app) == []
    assert not paths.config_file().exists()  # start-up alone writes nothing


async def test_theme_argument_wins_and_is_not_written(demo_store, make_app):
    config.save_settings(config.Settings(theme="okr-light"))
    app = make_app(demo_store, theme="okr-projector")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "okr-projector"
    assert config.load_settings()[0].theme == "okr-light"


async def test_unknown_theme_argument_falls_back_to_the_default(demo_store, make_app):
    app = make_app(demo_store, theme="no-such-theme")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "okr-dark"
        assert any("Unknown theme 'no-such-theme'" in m for m in notifications(app))


async def test_a_broken_user_theme_is_reported_and_the_app_still_starts(demo_store, make_app):
    write_user_theme("loud.toml", "name = 'loud'\nprimary = 'not-a-colour [b]'\n")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.theme == "okr-dark"
        assert "loud" not in app.available_themes
        messages = notifications(app)
        assert len(messages) == 1
        assert "loud.toml skipped" in messages[0] and "missing foreground" in messages[0]


async def test_a_user_theme_can_be_chosen_by_name(demo_store, make_app):
    write_user_theme("ocean.toml", VALID)
    app = make_app(demo_store, theme="ocean")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "ocean"
        assert app.current_theme.background == "#03045E"


async def test_switching_theme_from_the_palette_is_remembered(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.search_themes()  # what the palette's "Theme" command opens
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"projector")
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "okr-projector"
    assert config.load_settings() == (config.Settings(theme="okr-projector"), [])
    second = make_app(demo_store)
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert second.theme == "okr-projector"


COMMENTED_CONFIG = """\
# Settings for the Monday check-in on the meeting-room screen.
theme = "okr-light"   # the room is bright in the morning
cursor_blink = false

# Keys the facilitator is used to, from the old spreadsheet macros.
[keymap]
"dashboard.check_in" = "c,ctrl+k"  # c for check-in
"""


async def test_switching_theme_keeps_the_comments_and_keymap_of_the_config(demo_store, make_app):
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(COMMENTED_CONFIG, encoding="utf-8")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "okr-light"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"theme")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the palette's Theme command: a list of themes
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"projector")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "okr-projector"
    assert path.read_text(encoding="utf-8") == COMMENTED_CONFIG.replace(
        'theme = "okr-light"', 'theme = "okr-projector"'
    )
    assert config.load_settings() == (
        config.Settings(
            theme="okr-projector", cursor_blink=False, keymap={"dashboard.check_in": "c,ctrl+k"}
        ),
        [],
    )


def test_a_theme_is_added_above_the_keymap_and_an_edit_made_meanwhile_stays():
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('[keymap]\n"dashboard.check_in" = "i"  # mine\n', encoding="utf-8")
    assert config.update_settings({"theme": "okr-dark"}) == config.Settings(
        theme="okr-dark", keymap={"dashboard.check_in": "i"}
    )
    assert path.read_text(encoding="utf-8") == (
        'theme = "okr-dark"\n\n[keymap]\n"dashboard.check_in" = "i"  # mine\n'
    )


def test_a_config_broken_since_start_up_is_not_overwritten():
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    for text in ("theme = \n", "cursor_blink = 'no'\n"):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError):
            config.update_settings({"theme": "okr-dark"})
        assert path.read_text(encoding="utf-8") == text


async def test_the_theme_choice_keeps_other_settings(demo_store, make_app):
    config.save_settings(config.Settings(keymap={"dashboard.check_in": "i"}))
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.theme = "okr-light"
        await pilot.pause()
    assert config.load_settings()[0] == config.Settings(
        theme="okr-light", keymap={"dashboard.check_in": "i"}
    )


async def test_an_invalid_config_is_reported_and_never_overwritten(demo_store, make_app):
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("theme = 42\n", encoding="utf-8")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "okr-dark"
        assert any("theme:" in m and "using the defaults" in m for m in notifications(app))
        app.theme = "okr-light"
        await pilot.pause()
        assert any("Theme not remembered" in m for m in notifications(app))
    assert path.read_text(encoding="utf-8") == "theme = 42\n"


async def test_cursor_blink_off_in_the_config_turns_it_off(demo_store):
    from okr_tui.app import OkrApp

    config.save_settings(config.Settings(cursor_blink=False))
    app = OkrApp(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.cursor_blink is False

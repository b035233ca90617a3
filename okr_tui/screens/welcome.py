"""First run on an empty store: create the first cycle, load the demo, or import a file."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from okr_tui.screens.base import OkrScreen
from okr_tui.widgets.key_footer import KeyFooter

# Import problems listed on screen; a file with more says how many are left out (`okr import
# FILE --dry-run` prints them all).
SHOWN_PROBLEMS = 50

WELCOME = (
    "Run your weekly OKR check-in from this screen.\n"
    "The store is empty. How would you like to start?"
)


def import_problem_lines(errors: list[tuple[str, str]]) -> list[str]:
    """What the welcome screen says about a refused import: how many problems, then each one
    (where in the file, what is wrong), the first SHOWN_PROBLEMS and a count of the rest."""
    count = len(errors)
    lines = [f"Nothing imported: {count} problem{'s' if count != 1 else ''} in the file."]
    lines += [f"{where}: {message}" for where, message in errors[:SHOWN_PROBLEMS]]
    if count > SHOWN_PROBLEMS:
        lines.append(
            f"… and {count - SHOWN_PROBLEMS} more (okr import FILE --dry-run lists them all)"
        )
    return lines


class WelcomeScreen(OkrScreen):
    HELP_TITLE = "Welcome"
    HELP_SUMMARY = "The store is empty: start a cycle, load demo data, or import an export."
    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        Binding(
            "n", "new_cycle", "New cycle", id="welcome.new_cycle", tooltip="Plan your first cycle"
        ),
        Binding(
            "d",
            "demo",
            "Demo data",
            id="welcome.demo",
            tooltip="Fill the store with a realistic example",
        ),
        Binding("i", "import_file", "Import", id="welcome.import", tooltip="Load a JSON export"),
        Binding("q", "app.quit", "Quit", id="welcome.quit", tooltip="Leave okr-tui"),
        Binding(
            "escape",
            "back",
            "Back",
            id="screen.back",
            tooltip="Close the import path (nothing lies behind the welcome screen)",
        ),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static(Content.styled("Welcome to okr-tui", "bold"), id="welcome-title")
            yield Static(Content(WELCOME))
            yield Button("Create the first cycle  (n)", id="new-cycle", variant="primary")
            yield Button("Load the demo data  (d)", id="demo")
            yield Button("Import a JSON export  (i)", id="import")
            yield Input(placeholder="Path to an okr-tui JSON export, then Enter", id="import-path")
            with VerticalScroll(id="import-problems"):
                yield Static(Content(""), id="import-error")
        yield KeyFooter()

    def on_mount(self) -> None:  # type: ignore[override]  # Textual runs every class's on_mount
        self.query_one("#import-path").display = False
        self.query_one("#import-problems").display = False
        self.query_one("#new-cycle").focus()

    @on(Button.Pressed, "#new-cycle")
    def action_new_cycle(self) -> None:
        from okr_tui.screens.plan.cycle_form import CycleFormScreen

        def created(cycle_id: str | None) -> None:
            if cycle_id:
                self.okr_app.cycle_id = cycle_id
                self.okr_app.open_dashboard()
                self.okr_app.action_plan()

        self.app.push_screen(CycleFormScreen(), created)

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        from okr_tui.demo import build_demo

        build_demo(self.store)
        self.okr_app.cycle_id = None
        self.okr_app.open_dashboard()
        self.notify("Demo data loaded.")

    @on(Button.Pressed, "#import")
    def action_import_file(self) -> None:
        path_input = self.query_one("#import-path", Input)
        path_input.display = True
        path_input.focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#import-path")
    def import_file(self, event: Input.Submitted) -> None:
        from okr_tui.exchange.errors import ImportProblem
        from okr_tui.exchange.files import not_an_import_file
        from okr_tui.exchange.json_exchange import apply_import, read_import
        from okr_tui.store.errors import RuleViolation, StoreError

        path = Path(event.value.strip()).expanduser()
        if (problem := not_an_import_file(path)) is not None:
            self._show_problems(f"{path}: {problem}")
            return
        try:
            apply_import(self.store, read_import(path))
        except ImportProblem as refused:
            self._show_problems(*import_problem_lines(refused.errors))
            return
        except (StoreError, RuleViolation) as error:  # locked, or the disk refused the write
            self._show_problems(str(error))
            return
        self.okr_app.cycle_id = None
        self.okr_app.open_dashboard()
        self.notify(f"Imported {path.name}.", markup=False)

    def _show_problems(self, *lines: str) -> None:
        """Every problem on its own line, wrapped, in a box that scrolls (the arrows, or the
        mouse wheel): one line showed the first problem, cut off."""
        box = self.query_one("#import-problems", VerticalScroll)
        self.query_one("#import-error", Static).update(Content("\n".join(lines)))
        box.display = True
        box.scroll_home(animate=False)
        # A list of problems takes the focus, so the arrows scroll it (shift+tab goes back to
        # the path); the screen keeps to its end, where it is, on a short terminal.
        if len(lines) > 1:
            box.focus(scroll_visible=False)
        self.anchor()

    def _importing(self) -> bool:
        """The import path is open (asked before the screen is composed, too)."""
        shown = self.query("#import-path")
        return bool(shown) and bool(shown.first().display)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back" and not self._importing():
            return None  # off: the footer does not offer it, and escape says why
        return True

    def refusal(self, action: str) -> str:
        if action == "back":
            return "nothing lies behind the welcome screen (q quits)"
        return super().refusal(action)

    def action_back(self) -> None:
        """Escape closes the import path; it never quits (the footer offered "esc Back" and
        escape left the app without asking)."""
        if not self._importing():
            return
        self.query_one("#import-path", Input).display = False
        self.query_one("#import-error", Static).update(Content(""))
        self.query_one("#import-problems").display = False
        self.query_one("#import").focus()
        self.refresh_bindings()

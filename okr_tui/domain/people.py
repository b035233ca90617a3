"""People typed as one line ("Amara, Ben, Chen"): a team's members, from the team form and the
`okr team` command alike."""

from __future__ import annotations

from collections.abc import Iterable

from okr_tui.domain.models import NAME_MAX, text_problem


def member_names(text: str) -> list[str]:
    """The people typed as "Amara, Ben, Chen": trimmed, inner spaces folded, empty ones
    dropped, and each person once (the first spelling kept), since the check-in set-up ticks
    attendees by name."""
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def members_problem(names: list[str]) -> str | None:
    """What is wrong with one of the names, saying which; None when all are fine."""
    for name in names:
        if problem := text_problem(name, NAME_MAX, one_line=True):
            # Never echo a control character (an ANSI escape would garble the shared screen).
            shown = "".join(char if char.isprintable() else "�" for char in name)
            shown = shown if len(shown) <= 24 else shown[:23] + "…"
            return f'"{shown}": {problem.replace("at most", "a name has at most")}'
    return None


def same_person(a: str, b: str) -> bool:
    """Owners are typed by hand: "dana " and "Dana" are the same person."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def owner_names(owners: Iterable[str]) -> list[str]:
    """The people who own key results, each once (the first spelling kept), sorted by name:
    the choices of the owner filter."""
    names: dict[str, str] = {}
    for owner in owners:
        shown = " ".join(owner.split())
        if shown:
            names.setdefault(shown.casefold(), shown)
    return sorted(names.values(), key=str.casefold)


def find_owner(owners: Iterable[str], typed: str) -> str | None:
    """The owner among `owners` that `typed` names ("dana " is Dana), as the store spells
    it; None when nobody of that name owns a key result."""
    return next((name for name in owner_names(owners) if same_person(name, typed)), None)


def owned_by(kr_owner: str, owner: str | None) -> bool:
    """The owner filter: every key result with none (None), else only that person's."""
    return owner is None or same_person(kr_owner, owner)

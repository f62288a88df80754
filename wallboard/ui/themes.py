"""The project's themes (`themes/*.toml`), registered through Textual's `Theme` API.

Why TOML files and not code: a site can add a theme for its TV without touching Python. A file
that does not parse is skipped with a message naming it, never a crash on a wall.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.theme import Theme

#: The repository's `themes/` (a checkout or an editable install), else the copy a wheel carries
#: inside the package (`pyproject.toml` force-includes it as `wallboard/_themes`).
_CHECKOUT_THEMES = Path(__file__).resolve().parents[2] / "themes"
THEMES_DIR = (
    _CHECKOUT_THEMES
    if _CHECKOUT_THEMES.is_dir()
    else Path(__file__).resolve().parents[1] / "_themes"
)
DESK_DEFAULT = "textual-dark"
KIOSK_DEFAULT = "wall-contrast"


def load_themes(directory: Path = THEMES_DIR) -> tuple[list[Theme], list[str]]:
    """(themes, problems): one Theme per valid file, one message per bad one."""
    themes: list[Theme] = []
    problems: list[str] = []
    if not directory.is_dir():
        return themes, problems
    for path in sorted(directory.glob("*.toml")):
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
            data.setdefault("name", path.stem)
            themes.append(Theme(**data))
        except (OSError, tomllib.TOMLDecodeError, TypeError) as error:
            problems.append(f"theme {path.name} skipped: {error}")
    return themes, problems


def choose_theme(
    known: set[str], *wishes: str | None, kiosk: bool = False
) -> tuple[str, str | None]:
    """(theme name, notice): the first wish given; if it is unknown, the default and a notice
    saying so. Wishes are in precedence order: flag, account, `[ui]`."""
    default = KIOSK_DEFAULT if kiosk and KIOSK_DEFAULT in known else DESK_DEFAULT
    wish = next((w for w in wishes if w), None)
    if wish is None:
        return default, None
    if wish in known:
        return wish, None
    return default, f"unknown theme {wish!r}; using {default!r} (known: {', '.join(sorted(known))})"

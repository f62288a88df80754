"""wallboard: a live terminal wallboard for RingCX contact-center supervisors."""

import os
import sys

__version__ = "0.1.0"

# Pydantic looks for plugins (entry points of every installed distribution) when the first
# model class is built; the wallboard uses none, and the search cost about 0.15 s of every
# start-up (measured with `python -X importtime`, the cold-start benchmark's largest slice after
# Textual itself). Someone who does want a pydantic plugin sets the variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# httpx imports its own command-line client at import whenever `click` is installed, and uvicorn
# (the simulated center's server) always installs it: click, pygments and rich.progress, about
# 50 ms of every start-up measured on the 2-core CI machine, for a command the wallboard never
# runs. A `None` in `sys.modules` is Python's own way to refuse one import; httpx catches the
# ImportError and installs its stub `main`. Only when httpx is not loaded yet (never undo it).
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

"""wallboard: a live terminal wallboard for RingCX contact-center supervisors."""

import os

__version__ = "0.1.0"

# Pydantic looks for plugins (entry points of every installed distribution) when the first
# model class is built; the wallboard uses none, and the search cost about 0.15 s of every
# start-up (measured with `python -X importtime`, the cold-start benchmark's largest slice after
# Textual itself). Someone who does want a pydantic plugin sets the variable themselves.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

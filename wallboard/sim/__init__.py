"""The simulated contact center: a model on a clock, served over HTTP like the real platform."""

"""A simulated FonoUC tenant (seed 004) over the simulated contact center."""

"""wallboard: a live terminal wallboard for RingCX contact-center supervisors."""

__version__ = "0.1.0"

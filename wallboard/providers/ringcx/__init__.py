"""RingCX: wire models, sign-in and typed endpoints.

Nothing outside this package knows a RingCX URL."""

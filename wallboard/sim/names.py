"""Deterministic, plausible names and phone numbers for the simulated account.

Why bother: a wallboard demo with "Agent 17" and "Campaign 3" hides layout bugs that real data
shows (long names, duplicate first names, accents in a last name). Everything here draws from the
model's seeded `random.Random`, so the same seed always yields the same roster.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Jane", "John", "Maria", "Wei", "Aisha", "Carlos", "Priya", "Liam", "Sofia", "Mateo",
    "Olivia", "Noah", "Fatima", "Hiroshi", "Chloe", "Dmitri", "Amara", "Lucas", "Ingrid", "Omar",
    "Grace", "Tomás", "Mei", "Ethan", "Zara", "Kwame", "Elena", "Raj", "Hannah", "Diego",
    "Yuki", "Samuel", "Leila", "Oscar", "Nadia", "Felix", "Ava", "Jamal", "Rosa", "Andrei",
    "Keisha", "Ben", "Anya", "Marcus", "Lucía", "Henrik", "Imani", "Victor", "Sara", "Kenji",
)  # fmt: skip
LAST_NAMES = (
    "Doe", "Smith", "Garcia", "Chen", "Khan", "Rodriguez", "Patel", "Murphy", "Rossi", "Silva",
    "Johnson", "Nguyen", "Ali", "Tanaka", "Martin", "Ivanov", "Okafor", "Moreau", "Larsen",
    "Haddad", "Kim", "Fernández", "Wang", "Brown", "Hussein", "Mensah", "Popescu", "Sharma",
    "Schmidt", "Lopez", "Sato", "Williams", "Rahman", "Nilsson", "Kowalski", "Becker", "Taylor",
    "Washington", "Reyes", "Petrov", "O'Brien", "Jones", "Novak", "Mitchell", "Díaz", "Berg",
    "Adeyemi", "Castillo", "Lindqvist", "Yamamoto",
)  # fmt: skip

CAMPAIGN_TOPICS = (
    "Spring Renewal", "Solar Leads", "Medicare Advantage", "Auto Warranty Winback",
    "Home Security Upsell", "Student Loan Refi", "Fiber Upgrade", "Donor Outreach",
    "Appointment Reminders", "Past Due Collections", "Lapsed Members", "Premium Trial Follow-up",
    "Insurance Quotes", "Roofing Estimates", "Event Registration", "Customer Survey",
)  # fmt: skip
REGIONS = ("East", "West", "Central", "South", "North", "Pacific", "Mountain", "Atlantic")

GATE_TOPICS = (
    "Billing", "Tech Support", "Sales", "Retention", "Claims", "Orders", "Returns",
    "Appointments", "Enrollment", "Collections", "VIP Care", "Outages", "Accounts", "Shipping",
)  # fmt: skip
GATE_GROUPS = ("Customer Care", "Sales", "Support", "Back Office")
LANGUAGES = ("", "", "", " (ES)", " (FR)")

IVR_TOPICS = (
    "Main Menu", "After Hours", "Billing Self-Service", "Order Status", "Payment Line",
    "Outage Hotline", "Appointment Line", "Claims Intake", "Password Reset", "Store Locator",
)  # fmt: skip
IVR_GROUPS = ("Studio Flows", "Self-Service", "Front Door")
DIAL_GROUPS = ("Predictive", "Progressive", "Power")
AGENT_GROUPS = ("Team Alpha", "Team Bravo", "Team Charlie", "Team Delta", "Night Owls")


def person(rng: random.Random) -> tuple[str, str]:
    """A first and last name."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def username(first: str, last: str, taken: set[str]) -> str:
    """A unique e-mail-style username (RingCX usernames carry an `@`)."""

    def plain(text: str) -> str:
        table = str.maketrans("áéíóúñÁÉÍÓÚÑ", "aeiounAEIOUN")
        return "".join(ch for ch in text.translate(table).lower() if ch.isalnum())

    base = f"{plain(first)}.{plain(last)}"
    name = f"{base}@example.com"
    number = 2
    while name in taken:
        name = f"{base}{number}@example.com"
        number += 1
    taken.add(name)
    return name


def numbered(topics: tuple[str, ...], index: int, extra: tuple[str, ...] = ()) -> str:
    """Topic names, recycled with a region or a number once the pool runs out, so even 500
    campaigns get distinct, readable names."""
    topic = topics[index % len(topics)]
    round_ = index // len(topics)
    if round_ == 0:
        return topic
    if extra and round_ <= len(extra):
        return f"{topic} {extra[round_ - 1]}"
    return f"{topic} {round_ + 1}"


def nanp_number(rng: random.Random) -> str:
    """A 10-digit North American number (area code and exchange never start with 0 or 1).

    One `random()` draw split into parts: this runs for every dial and every caller, and
    `randint` is several times slower."""
    x = int(rng.random() * 789 * 800 * 10_000)
    line = x % 10_000
    x //= 10_000
    return f"{201 + x // 800}{200 + x % 800}{line:04d}"


def crm_id(rng: random.Random) -> str:
    """An external (CRM) reference as integrations set them."""
    return f"CRM-{100_000 + int(rng.random() * 900_000)}"


def toll_free(rng: random.Random, taken: set[str]) -> str:
    """A unique toll-free DNIS for an IVR, gate or caller id."""
    while True:
        number = f"{rng.choice(('800', '833', '844', '855', '866', '877', '888'))}"
        number += f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if number not in taken:
            taken.add(number)
            return number


def cnam(rng: random.Random) -> str:
    """A caller-name lookup result as carriers spell them."""
    if rng.random() < 0.2:
        return rng.choice(("WIRELESS CALLER", "UNKNOWN NAME", "TOLL FREE CALL"))
    first, last = person(rng)
    return f"{last.upper()} {first.upper()}"[:15]

"""A small catalogue cut from the real catalog.yaml text (for tests that parse it thousands of
times): the header, three banned certificates with their notice slips, every category and
locality, and items that between them use every rule, input type, kind and locality switch."""

from __future__ import annotations

from .conftest import CATALOG

BANNED = ("proof_of_life", "death", "marital_status")
ITEMS = (
    "senior_allowance",
    "residence_certificate",
    "startup_loan_referral",
    "unemployment_registration",
    "party_membership_application",
    "military_service_registration",
    "school_enrolment_registration",
    "elderly_meal_registration",
    "rural_family_planning_reward",
    "volunteer_service_certificate",
    "other_community_notice",
    *(f"{tag}_notice" for tag in BANNED),
)


def _blocks(lines: list[str], marker: str) -> dict[str, list[str]]:
    """Entries of a YAML list, keyed by the value after `marker` on each entry's first line."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line.startswith(marker):
            current = blocks.setdefault(line[len(marker) :].strip(), [])
        if current is not None:
            current.append(line)
    return blocks


def small_catalogue_text() -> str:
    """The cut-down catalogue, still real text from catalog.yaml."""
    text = CATALOG.read_text(encoding="utf-8")
    head, rest = text.split("banned_certificates:\n", 1)
    banned_text, rest = rest.split("\ncategories:\n", 1)
    middle, items_text = rest.split("\nitems:\n", 1)
    banned = _blocks(banned_text.splitlines(keepends=True), "  - tag: ")
    items = _blocks(items_text.splitlines(keepends=True), "  - id: ")
    return (
        head
        + "banned_certificates:\n"
        + "".join("".join(banned[tag]) for tag in BANNED)
        + "\ncategories:\n"
        + middle
        + "\nitems:\n"
        + "".join("".join(items[item_id]) for item_id in ITEMS)
    )

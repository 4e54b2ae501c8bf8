"""Papers for the staff screens to work on: real issuances through the kiosk's own issuer, on
the kiosk's worker thread (as the resident's session makes them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kiosk.app import Core
from kiosk.db.repositories import ResidentRepository
from kiosk.issuing import IssuedDocument
from kiosk.residents import ResidentRecord

from .conftest import Staffed


def answers(core: Core, item_id: str) -> Mapping[str, str]:
    """The first choice for every choice input of an item (enough to issue it)."""
    item = core.catalog.item(item_id)
    return {spec.id: spec.choices[0].value for spec in item.inputs if spec.choices}


def resident_for(
    core: Core, item_id: str, test: Callable[[ResidentRecord], bool] | None = None
) -> ResidentRecord:
    """A demo resident who may have the item today (and passes `test`)."""
    item = core.catalog.item(item_id)
    today = core.issuer.clock().date()
    with core.sessions() as session:
        for resident in ResidentRepository(session).sample(600):
            ok = item.check_eligibility(resident, today, "resident").eligible
            if (
                ok
                and resident.community == core.config.terminal.community
                and (test is None or test(resident))
            ):
                return resident
    raise AssertionError(f"no demo resident may have {item_id}")


def issue(
    staffed: Staffed,
    item_id: str = "residence_certificate",
    *,
    printed: bool = True,
    resident: ResidentRecord | None = None,
) -> IssuedDocument:
    """Record, render and sign one document (and print it on the kiosk's printer)."""
    core = staffed.core

    def work() -> IssuedDocument:
        person = resident or resident_for(core, item_id)
        issued = core.issuer.issue(person, core.catalog.item(item_id), answers(core, item_id))
        if printed:
            role = "a4" if issued.record.paper == "a4" else "slip"
            core.issuer.print(issued, core.printers[role])
        return issued

    return staffed.on_worker(work)

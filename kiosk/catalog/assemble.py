"""A clean parse -> the Catalog of one locality: its profile's switches, names and local law."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from kiosk.catalog.model import Catalog, CatalogItem

if TYPE_CHECKING:
    from kiosk.catalog.parse import Parsed


def apply_locality(parsed: Parsed, locality: str | None) -> tuple[CatalogItem, ...]:
    """The items a locality has: switched on or off by its profile, renamed where it says, and
    its local law applied (no self-service seal, its minimum residence, its extra purposes)."""
    if locality is None:
        return tuple(i for i in parsed.items if i.enabled)
    profile = parsed.localities[locality]
    items: list[CatalogItem] = []
    for item in parsed.items:
        on = (item.enabled or item.id in profile.enable) and item.id not in profile.disable
        if not on:
            continue
        rename = profile.rename.get(item.id)
        changes: dict[str, object] = {}
        if rename is not None:
            changes = {k: v for k, v in rename.model_dump().items() if v}
        if item.kind == "certificate" and not profile.self_service_seal:
            changes.update(certify="review", staff_review=True)
        if item.min_residence_months and profile.min_residence_months:
            changes["min_residence_months"] = profile.min_residence_months
        extra = profile.purposes.get(item.id)
        if extra and item.inputs:
            first = item.inputs[0]
            purpose = first.model_copy(update={"choices": first.choices + extra})
            changes["inputs"] = (purpose, *item.inputs[1:])
        items.append(item.model_copy(update=changes) if changes else item)
    return tuple(items)


def catalog_of(parsed: Parsed, locality: str | None, path: Path) -> Catalog:
    """The Catalog of a clean parse for one locality (None: the base catalogue)."""
    if locality is not None and locality not in parsed.localities:
        raise KeyError(locality)
    every = apply_locality(parsed, locality)
    bases = dict(parsed.legal_bases)
    if locality is not None:
        bases.update(parsed.localities[locality].legal_bases)
    menu = tuple(i for i in every if not i.hidden)
    on_menu = {i.id for i in menu}
    return Catalog(
        categories=parsed.categories,
        items=menu,
        banned=parsed.banned,
        legal_basis=parsed.legal_basis,
        locality=locality,
        source=path,
        digest=parsed.digest,
        _by_id=MappingProxyType({i.id: i for i in every}),
        legal_bases=MappingProxyType(bases),
        exceptions=parsed.exceptions,
        hidden=tuple(i for i in every if i.hidden),
        frequent=tuple(i for i in parsed.frequent if i in on_menu),  # a locality may switch off
    )

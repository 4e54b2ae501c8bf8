"""catalog.yaml -> validated, frozen catalogue: categories, items, eligibility, inputs, templates.

Parsed once at start (or taken from a cache of an earlier validated load). Every problem in the
file is collected (not just the first), each naming the YAML line and the item, so that district
staff can fix a broken edit in one pass:

    catalog.yaml:123: item 'senior_allowance': unknown key 'foo'

The law is data (kiosk.catalog.law): `banned_certificates` lists, under their official names,
the twenty certificates a residents' committee must not issue (民发〔2020〕20号); `legal_bases`
the statutes and lists papers rest on; `exceptions` the few statutory certificates allowed to
state a banned kind. Every certificate is `certify: record` (facts from the committee's own
register, sealed at the kiosk) or `certify: review` (staff check and approve), names its
`legal_basis`, and states no fact a resident typed; the banned scan runs over everything it
could print.

Modules: yaml_lines (bounded YAML with line numbers), inputs, law and model (the frozen model),
parse (file -> parsed sections + problems), checks and lawchecks (what the schema cannot say),
assemble (one locality's Catalog), cache, loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.catalog.checks import ID_RE, MAX_CHARS
    from kiosk.catalog.inputs import NO_WORDS, YES_WORDS, AnswerError, Choice, InputType, ItemInput
    from kiosk.catalog.key import CACHE_VERSION
    from kiosk.catalog.law import BannedCertificate, BannedHit, LawException
    from kiosk.catalog.loading import check_catalog, load_catalog, reload_catalog
    from kiosk.catalog.model import (
        KNOWN_PLACEHOLDERS,
        PLACEHOLDER_RE,
        STAFF_BOXES,
        TEMPLATE_FIELDS,
        Catalog,
        CatalogItem,
        Category,
        Certify,
        FilledText,
        Kind,
        LayoutName,
        Locality,
        PaperName,
        Rename,
    )
    from kiosk.catalog.parse import TOP_KEYS
    from kiosk.catalog.source import MAX_FILE_BYTES
    from kiosk.catalog.yaml_lines import (
        MAX_ALIASES,
        MAX_DEPTH,
        MAX_NODES,
        LineList,
        LineMap,
    )
    from kiosk.eligibility import Eligibility

# name -> module: imported on first use, so `kiosk.catalog.key` (asked before the first screen)
# costs no pydantic, YAML or model import
_EXPORTS: dict[str, str] = {
    "CACHE_VERSION": "kiosk.catalog.key",
    "ID_RE": "kiosk.catalog.checks",
    "MAX_CHARS": "kiosk.catalog.checks",
    "NO_WORDS": "kiosk.catalog.inputs",
    "YES_WORDS": "kiosk.catalog.inputs",
    "AnswerError": "kiosk.catalog.inputs",
    "Choice": "kiosk.catalog.inputs",
    "InputType": "kiosk.catalog.inputs",
    "ItemInput": "kiosk.catalog.inputs",
    "check_catalog": "kiosk.catalog.loading",
    "load_catalog": "kiosk.catalog.loading",
    "reload_catalog": "kiosk.catalog.loading",
    "KNOWN_PLACEHOLDERS": "kiosk.catalog.model",
    "PLACEHOLDER_RE": "kiosk.catalog.model",
    "STAFF_BOXES": "kiosk.catalog.model",
    "TEMPLATE_FIELDS": "kiosk.catalog.model",
    "BannedCertificate": "kiosk.catalog.law",
    "BannedHit": "kiosk.catalog.law",
    "LawException": "kiosk.catalog.law",
    "Certify": "kiosk.catalog.model",
    "Catalog": "kiosk.catalog.model",
    "CatalogItem": "kiosk.catalog.model",
    "Category": "kiosk.catalog.model",
    "FilledText": "kiosk.catalog.model",
    "Kind": "kiosk.catalog.model",
    "LayoutName": "kiosk.catalog.model",
    "Locality": "kiosk.catalog.model",
    "PaperName": "kiosk.catalog.model",
    "Rename": "kiosk.catalog.model",
    "TOP_KEYS": "kiosk.catalog.parse",
    "MAX_ALIASES": "kiosk.catalog.yaml_lines",
    "MAX_DEPTH": "kiosk.catalog.yaml_lines",
    "MAX_FILE_BYTES": "kiosk.catalog.source",
    "MAX_NODES": "kiosk.catalog.yaml_lines",
    "LineList": "kiosk.catalog.yaml_lines",
    "LineMap": "kiosk.catalog.yaml_lines",
    "Eligibility": "kiosk.eligibility",
}


def __getattr__(name: str) -> object:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'kiosk.catalog' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CACHE_VERSION",
    "ID_RE",
    "KNOWN_PLACEHOLDERS",
    "MAX_ALIASES",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "NO_WORDS",
    "PLACEHOLDER_RE",
    "STAFF_BOXES",
    "TEMPLATE_FIELDS",
    "TOP_KEYS",
    "YES_WORDS",
    "AnswerError",
    "BannedCertificate",
    "BannedHit",
    "Catalog",
    "CatalogItem",
    "Category",
    "Certify",
    "Choice",
    "Eligibility",
    "FilledText",
    "InputType",
    "ItemInput",
    "Kind",
    "LawException",
    "LayoutName",
    "LineList",
    "LineMap",
    "Locality",
    "PaperName",
    "Rename",
    "check_catalog",
    "load_catalog",
    "reload_catalog",
]

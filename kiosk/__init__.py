"""The community service kiosk: composes card readers, the catalogue, documents and printers."""

__version__ = "0.1.0"

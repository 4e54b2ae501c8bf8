"""The kiosk's screens (PySide6). Importing this package first lightens PySide6's import hook
(kiosk.ui.import_hook): the source of every module imported later is no longer kept."""

from kiosk.ui.import_hook import lighten

lighten()

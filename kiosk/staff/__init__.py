"""Staff maintenance mode without the screens: accounts and PINs, entry and lockouts, reprint and
void, diagnostics, statistics, call-staff alerts and the catalogue reload.

Every public call opens its own database transaction and may block (argon2, SQL, printers): the
UI calls it from the worker thread (kiosk.jobs), never the UI thread. Modules: errors, store
(transactions), pins, lockout (pure), accounts, reasons, desk (reprint, void, search), calls,
diagnostics, logs, stats, reload.
"""

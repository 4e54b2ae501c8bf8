"""The touch-screen staff maintenance mode: entry (staff card or a 3-second corner hold, then a
PIN), and the screens staff use while signed in (reprint and void, review, diagnostics, statistics,
call-staff alerts).

`mode.StaffMode` is the controller: it owns entry, idle logout and the worker jobs; the screens
(one module each) draw what it hands them and ask it to run the staff services
(kiosk.staff.*, kiosk.review) on the kiosk's worker thread. Nothing here touches SQL itself.
"""

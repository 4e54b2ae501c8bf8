"""Conventions the kiosk's libraries share and none of them owns: Chinese ID numbers (GB 11643
check, masking), dates as Chinese documents write them, and the bilingual error base.

A leaf like `card_reader`, `forms` and `printer`: it imports none of them and never `kiosk`.
"""

"""Documents: A4 certificates, A4 application forms and thermal slips as PDF bytes.

A library with no knowledge of the kiosk app: a layout plus plain field values in, PDF bytes out.
"""

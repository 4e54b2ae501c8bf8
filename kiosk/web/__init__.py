"""The static verification page (HTML, CSS, JavaScript): served by `kiosk verify-server`,
written out by `kiosk verify-page export DIR`. No build step and no third-party code:
WebCrypto does Ed25519, SHA-256 and PBKDF2, TextDecoder reads GB18030."""

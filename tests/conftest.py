"""Suite-wide settings: Qt runs offscreen; every test gets its own data directory."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

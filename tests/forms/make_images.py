"""The README's pictures are real items as a resident gets them, made by the kiosk itself:
`.venv/bin/python -m tests.lawful.make_images` (this module only points there)."""

from __future__ import annotations

if __name__ == "__main__":
    from tests.lawful.make_images import main

    main()

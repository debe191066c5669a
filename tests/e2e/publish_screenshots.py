"""`make screenshots`: copy a chosen few of build/screenshots/ into docs/screenshots/.

The browser tests write every screenshot under build/screenshots/ (not committed). The
README shows a small set; this script refreshes it on purpose, never as a side effect of
a test run. Pictures are cut to a sensible height and reduced to 256 colours, which keeps
each under ~300 KB without visible loss on flat page colours.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "build" / "screenshots"
TARGET = REPO / "docs" / "screenshots"
MAX_BYTES = 300_000
# (file in build/screenshots, the tallest part kept, in pixels)
CHOSEN = [
    ("home-desktop.png", 1400),
    ("home-phone.png", 1700),
    ("campaign-closed-desktop.png", 1700),
    ("campaign-closed-phone.png", 1700),
    ("campaign-active-desktop.png", 1300),
    ("donate-phone.png", 1700),
    ("bank-transfer-desktop.png", 1300),
    ("transparency-campaign-desktop.png", 1400),
    ("campaign-closed-ru-phone.png", 1700),
    ("share-card-en-sergei-sakovets.png", 630),
    ("badges.png", 140),
]


def publish(name: str, max_height: int) -> int:
    image = Image.open(SOURCE / name).convert("RGB")
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target = TARGET / name
    small.save(target, "PNG", optimize=True)
    return target.stat().st_size


def main() -> int:
    missing = [name for name, _ in CHOSEN if not (SOURCE / name).exists()]
    if missing:
        print(f"run the screenshot tests first (missing in {SOURCE}): {', '.join(missing)}", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    too_big = []
    for name, max_height in CHOSEN:
        size = publish(name, max_height)
        print(f"docs/screenshots/{name}: {size // 1000} KB")
        if size > MAX_BYTES:
            too_big.append(name)
    if too_big:
        print(f"larger than {MAX_BYTES // 1000} KB: {', '.join(too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

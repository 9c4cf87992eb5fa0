"""Draw the enforcement app's icons (PNG, committed): a white parking "P" on the city's blue
with a yellow check mark. Run again only when the design changes:

    .venv/bin/python scripts/enforcement_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / (
    "rathaus/parking_permits/enforcement/static/enforcement/icons"
)
BLUE, DARK, WHITE, YELLOW = "#0b5394", "#073763", "#ffffff", "#f6c344"
SCALE = 4  # drawn large and scaled down: smooth edges without a font or anti-aliasing API


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:  # full bleed; the motif stays inside the safe circle (80 %)
        pen.rectangle((0, 0, big, big), fill=BLUE)
        inset = big * 0.2
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=BLUE)
        pen.rounded_rectangle(
            (big * 0.03, big * 0.03, big * 0.97, big * 0.97),
            radius=big * 0.16,
            outline=DARK,
            width=max(1, int(big * 0.02)),
        )
        inset = big * 0.14
    box = big - 2 * inset

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * box, inset + y * box

    # The "P": a stem and a bowl (a ring cut by the stem).
    stem = 0.16
    pen.rectangle((*at(0.12, 0.08), *at(0.12 + stem, 0.92)), fill=WHITE)
    pen.rounded_rectangle((*at(0.12, 0.08), *at(0.70, 0.56)), radius=box * 0.24, fill=WHITE)
    pen.rounded_rectangle(
        (*at(0.12 + stem, 0.08 + stem * 0.9), *at(0.70 - stem, 0.56 - stem * 0.9)),
        radius=box * 0.08,
        fill=BLUE,
    )
    # The check mark at the lower right.
    width = int(box * 0.11)
    pen.line([at(0.50, 0.74), at(0.64, 0.88), at(0.94, 0.52)], fill=YELLOW, width=width)
    for point in (at(0.50, 0.74), at(0.64, 0.88), at(0.94, 0.52)):
        radius = width / 2
        pen.ellipse(
            (point[0] - radius, point[1] - radius, point[0] + radius, point[1] + radius),
            fill=YELLOW,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()

"""Product photographs for the demo catalog, drawn with Pillow: a garment's silhouette in its
colour on a soft studio backdrop, with folds, seams and a shadow, so listings look like a shop
and not like a test pattern. Deterministic: the same garment and colour give the same picture."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

# Drawn at half size and scaled up: four times fewer pixels to blur, and the soft shapes of a
# drawing lose nothing by it.
WIDTH, HEIGHT = 640, 800
OUTPUT_SIZE = (1280, 1600)


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def shade(rgb, factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(channel * factor))) for channel in rgb)


def mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def backdrop(rng: random.Random, width: int, height: int) -> Image.Image:
    tones = [(238, 232, 224), (229, 233, 236), (240, 231, 228), (232, 236, 228), (236, 234, 240)]
    top = rng.choice(tones)
    bottom = shade(top, 0.86)
    image = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=mix(top, bottom, (y / height) ** 1.6))
    return image


def silhouette(kind: str, rng: random.Random) -> list[tuple[float, float]]:
    """The outline of a garment on a unit canvas (x and y from 0 to 1)."""
    w = rng.uniform(-0.02, 0.02)
    if kind in ("dress", "maxi", "mini", "midi"):
        hem = {"maxi": 0.92, "mini": 0.62, "midi": 0.8, "dress": 0.8}[kind]
        flare = rng.uniform(0.2, 0.3)
        return [
            (0.40, 0.12),
            (0.45, 0.10),
            (0.5, 0.14),
            (0.55, 0.10),
            (0.60, 0.12),
            (0.63 + w, 0.22),
            (0.60, 0.34),
            (0.58, 0.40),
            (0.5 + flare, hem),
            (0.5, hem + 0.015),
            (0.5 - flare, hem),
            (0.42, 0.40),
            (0.40, 0.34),
            (0.37 - w, 0.22),
        ]
    if kind in ("top", "blouse", "knit"):
        sleeve = 0.56 if kind in ("blouse", "knit") else 0.34
        return [
            (0.40, 0.14),
            (0.46, 0.12),
            (0.5, 0.16),
            (0.54, 0.12),
            (0.60, 0.14),
            (0.74, 0.22),
            (0.80 + w, sleeve),
            (0.72, sleeve + 0.02),
            (0.67, 0.28),
            (0.68, 0.62),
            (0.32, 0.62),
            (0.33, 0.28),
            (0.28, sleeve + 0.02),
            (0.20 - w, sleeve),
            (0.26, 0.22),
        ]
    if kind == "skirt":
        return [(0.38, 0.24), (0.62, 0.24), (0.74 + w, 0.74), (0.5, 0.76), (0.26 - w, 0.74)]
    if kind in ("trousers", "jeans"):
        return [
            (0.36, 0.16),
            (0.64, 0.16),
            (0.67, 0.36),
            (0.66 + w, 0.9),
            (0.54, 0.9),
            (0.5, 0.4),
            (0.46, 0.9),
            (0.34 - w, 0.9),
            (0.33, 0.36),
        ]
    if kind in ("coat", "jacket"):
        hem = 0.86 if kind == "coat" else 0.58
        return [
            (0.38, 0.12),
            (0.5, 0.2),
            (0.62, 0.12),
            (0.74, 0.2),
            (0.82 + w, 0.62),
            (0.74, 0.64),
            (0.70, 0.34),
            (0.70, hem),
            (0.30, hem),
            (0.30, 0.34),
            (0.26, 0.64),
            (0.18 - w, 0.62),
            (0.26, 0.2),
        ]
    if kind == "jumpsuit":
        return [
            (0.40, 0.12),
            (0.5, 0.16),
            (0.60, 0.12),
            (0.64, 0.24),
            (0.62, 0.40),
            (0.66 + w, 0.9),
            (0.54, 0.9),
            (0.5, 0.5),
            (0.46, 0.9),
            (0.34 - w, 0.9),
            (0.38, 0.40),
            (0.36, 0.24),
        ]
    raise ValueError(f"No silhouette for {kind!r}")


def garment_photo(kind: str, colour_hex: str, *, seed: int, detail: bool = False) -> bytes:
    """A JPEG of a garment: the full piece, or with `detail` a close-up of its fabric."""
    rng = random.Random(seed)
    colour = hex_to_rgb(colour_hex)
    image = backdrop(rng, WIDTH, HEIGHT)
    draw = ImageDraw.Draw(image)
    if detail:
        return fabric_detail(image, colour, rng)

    scale_x, scale_y = WIDTH, HEIGHT
    points = [(x * scale_x, y * scale_y) for x, y in silhouette(kind, rng)]

    shadow = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(shadow).ellipse(
        [WIDTH * 0.22, HEIGHT * 0.9, WIDTH * 0.78, HEIGHT * 0.96], fill=90
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(15))
    image.paste(shade(image.getpixel((10, HEIGHT - 10)), 0.7), mask=shadow)

    hanger = (90, 84, 78)
    draw.arc(
        [WIDTH * 0.44, HEIGHT * 0.02, WIDTH * 0.56, HEIGHT * 0.12], 180, 360, fill=hanger, width=4
    )
    draw.line([(WIDTH * 0.5, HEIGHT * 0.02), (WIDTH * 0.5, HEIGHT * 0.12)], fill=hanger, width=3)

    draw.polygon(points, fill=colour)
    # Folds: soft darker and lighter strokes along the garment's length.
    folds = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    fold_draw = ImageDraw.Draw(folds)
    top = min(y for _, y in points)
    bottom = max(y for _, y in points)
    for _ in range(rng.randint(4, 7)):
        x = rng.uniform(WIDTH * 0.36, WIDTH * 0.64)
        lean = rng.uniform(-30, 30)
        tone = (0, 0, 0, 46) if rng.random() < 0.6 else (255, 255, 255, 40)
        fold_draw.line(
            [(x, top + HEIGHT * 0.2), (x + lean, bottom)], fill=tone, width=rng.randint(5, 13)
        )
    folds = folds.filter(ImageFilter.GaussianBlur(7))
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(mask).polygon(points, fill=255)
    image.paste(
        folds, mask=Image.composite(folds.getchannel("A"), Image.new("L", folds.size, 0), mask)
    )

    seam = shade(colour, 0.72)
    draw.line(points + points[:1], fill=seam, width=3)
    if kind in ("coat", "jacket", "blouse"):
        for i in range(4):
            y = HEIGHT * (0.3 + i * 0.09)
            draw.ellipse(
                [WIDTH * 0.49, y, WIDTH * 0.51, y + WIDTH * 0.02], fill=shade(colour, 0.55)
            )
    if kind == "knit":
        for i in range(10):
            y = HEIGHT * 0.58 + i * 3
            draw.line([(WIDTH * 0.33, y), (WIDTH * 0.67, y)], fill=shade(colour, 0.85), width=2)
    return encode(image)


def fabric_detail(image: Image.Image, colour, rng: random.Random) -> bytes:
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=colour)
    weave = rng.choice([7, 9, 12])
    for x in range(0, WIDTH, weave):
        draw.line([(x, 0), (x, HEIGHT)], fill=shade(colour, 0.9), width=2)
    for y in range(0, HEIGHT, weave):
        draw.line([(0, y), (WIDTH, y)], fill=shade(colour, 1.08), width=2)
    light = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(light).ellipse([-WIDTH * 0.2, -HEIGHT * 0.1, WIDTH * 0.9, HEIGHT * 0.7], fill=70)
    light = light.filter(ImageFilter.GaussianBlur(60))
    image.paste((255, 255, 255), mask=light)
    return encode(image)


def banner_photo(colours: list[str], *, seed: int, width: int = 1600, height: int = 1000) -> bytes:
    """A wide picture of garments on a rail, for heroes and editorial blocks."""
    rng = random.Random(seed)
    image = backdrop(rng, width, height)
    draw = ImageDraw.Draw(image)
    rail_y = height * 0.12
    draw.line([(width * 0.05, rail_y), (width * 0.95, rail_y)], fill=(70, 66, 62), width=10)
    kinds = ["dress", "maxi", "blouse", "coat", "midi", "knit", "jumpsuit"]
    count = len(colours)
    pitch = width * 0.84 / count
    for index, colour_hex in enumerate(colours):
        kind = kinds[index % len(kinds)]
        centre = width * 0.08 + pitch * (index + 0.5)
        span = pitch * 1.6
        top = rail_y + height * 0.06
        outline = [
            (centre + (x - 0.5) * span, top + (y - 0.1) * height * 0.9)
            for x, y in silhouette(kind, rng)
        ]
        draw.line([(centre, rail_y), (centre, top + height * 0.02)], fill=(70, 66, 62), width=5)
        draw.polygon(outline, fill=hex_to_rgb(colour_hex))
        draw.line(outline + outline[:1], fill=shade(hex_to_rgb(colour_hex), 0.7), width=4)
    return encode(image)


def encode(image: Image.Image) -> bytes:
    if image.size == (WIDTH, HEIGHT):
        image = image.resize(OUTPUT_SIZE, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    return buffer.getvalue()

/**
 * Draws the two Teams app icons with pngjs and writes them to appPackage/:
 *  - color.png   192x192, full colour (accent background, white shield with a check mark);
 *  - outline.png  32x32, white on transparent (only white pixels, alpha carries the shape).
 * Run: `npx tsx scripts/make-teams-icons.ts`. The PNGs are committed; rerun after changing the drawing.
 */
import { PNG } from "pngjs";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const ACCENT = { r: 0x1b, g: 0x6e, b: 0x5a } as const; // #1B6E5A, also the manifest's accentColor

/** Shield half-width at height v (both in 0..1 of the icon), or -1 outside the shield's height. */
function shieldHalfWidth(v: number, top: number, bottom: number, half: number): number {
  if (v < top || v > bottom) return -1;
  const shoulder = top + (bottom - top) * 0.45;
  if (v <= shoulder) return half;
  const t = (v - shoulder) / (bottom - shoulder); // 0..1 down to the point
  return half * Math.sqrt(Math.max(0, 1 - t * t));
}

function insideShield(u: number, v: number, inset: number): boolean {
  const w = shieldHalfWidth(v, 0.12 + inset, 0.9 - inset * 1.4, 0.32 - inset);
  return w >= 0 && Math.abs(u - 0.5) <= w;
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  const cx = ax + t * dx;
  const cy = ay + t * dy;
  return Math.hypot(px - cx, py - cy);
}

function onCheck(u: number, v: number, thickness: number): boolean {
  return Math.min(distToSegment(u, v, 0.36, 0.5, 0.46, 0.6), distToSegment(u, v, 0.46, 0.6, 0.65, 0.38)) <= thickness;
}

/** Coverage (0..1) of a shape at pixel (x, y) with 4x4 supersampling. */
function coverage(size: number, x: number, y: number, shape: (u: number, v: number) => boolean): number {
  const n = 4;
  let hit = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) if (shape((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size)) hit++;
  return hit / (n * n);
}

/**
 * A square icon of the shield ring (`ring` its width) with the check mark (`stroke` its width): each
 * pixel's RGBA from `pixel`, given how much of the pixel the drawing covers (0 to 1).
 */
function drawIcon(size: number, ring: number, stroke: number, pixel: (c: number) => [number, number, number, number]): PNG {
  const png = new PNG({ width: size, height: size });
  const shape = (u: number, v: number): boolean => (insideShield(u, v, 0) && !insideShield(u, v, ring)) || onCheck(u, v, stroke);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) png.data.set(pixel(coverage(size, x, y, shape)), (y * size + x) * 4);
  return png;
}

/** Outline of the shield (ring) and a check mark inside, white on the accent colour. */
export function drawColorIcon(size = 192): PNG {
  const toWhite = (base: number, c: number): number => Math.round(base + (255 - base) * c);
  return drawIcon(size, 0.045, 0.035, (c) => [toWhite(ACCENT.r, c), toWhite(ACCENT.g, c), toWhite(ACCENT.b, c), 255]);
}

/** White where drawn; fully transparent (and still white) elsewhere, as Teams requires. */
export function drawOutlineIcon(size = 32): PNG {
  return drawIcon(size, 0.07, 0.05, (c) => [255, 255, 255, Math.round(c * 255)]);
}

export function writeIcons(dir = path.join(root, "appPackage")): { color: string; outline: string } {
  mkdirSync(dir, { recursive: true });
  const color = path.join(dir, "color.png");
  const outline = path.join(dir, "outline.png");
  writeFileSync(color, PNG.sync.write(drawColorIcon(192)));
  writeFileSync(outline, PNG.sync.write(drawOutlineIcon(32)));
  return { color, outline };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = writeIcons();
  console.log(`wrote ${path.relative(root, out.color)} and ${path.relative(root, out.outline)}`);
}

/**
 * Draws the Outlook add-in's ribbon icons with pngjs: a filled shield in the accent colour with a white
 * check mark, on a transparent background, at 16, 32, 64, 80 and 128 pixels. Written to
 * src/addin/assets/icon-<size>.png (committed; the build copies them to dist/addin/assets/).
 * Run: `npx tsx scripts/make-icons.ts`.
 */
import { PNG } from "pngjs";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const ICON_SIZES = [16, 32, 64, 80, 128] as const;
const ACCENT = { r: 0x1b, g: 0x6e, b: 0x5a } as const; // #1B6E5A, the product's accent colour

/** Inside the shield outline; u, v in 0..1 across the icon. */
function inShield(u: number, v: number): boolean {
  const top = 0.06;
  const bottom = 0.95;
  if (v < top || v > bottom) return false;
  const shoulder = top + (bottom - top) * 0.42;
  const half = 0.4;
  let w = half;
  if (v > shoulder) {
    const t = (v - shoulder) / (bottom - shoulder);
    w = half * Math.sqrt(Math.max(0, 1 - t * t));
  }
  // A slight dip at the top centre gives the classic shield silhouette.
  const dip = v < top + 0.05 ? Math.abs(u - 0.5) < 0.12 * (1 - (v - top) / 0.05) : false;
  return Math.abs(u - 0.5) <= w && !dip;
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function onCheck(u: number, v: number, size: number): boolean {
  // Thicker stroke on tiny icons so the check stays legible at 16 px.
  const thickness = size <= 16 ? 0.085 : size <= 32 ? 0.07 : 0.06;
  return Math.min(distToSegment(u, v, 0.3, 0.5, 0.45, 0.65), distToSegment(u, v, 0.45, 0.65, 0.71, 0.36)) <= thickness;
}

export function drawIcon(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  const n = 4; // 4x4 supersampling for smooth edges
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      let shield = 0;
      let check = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const u = (x + (i + 0.5) / n) / size;
          const v = (y + (j + 0.5) / n) / size;
          if (inShield(u, v)) {
            shield++;
            if (onCheck(u, v, size)) check++;
          }
        }
      const a = shield / (n * n);
      const c = shield ? check / shield : 0;
      const k = (y * size + x) * 4;
      png.data[k] = Math.round(ACCENT.r + (255 - ACCENT.r) * c);
      png.data[k + 1] = Math.round(ACCENT.g + (255 - ACCENT.g) * c);
      png.data[k + 2] = Math.round(ACCENT.b + (255 - ACCENT.b) * c);
      png.data[k + 3] = Math.round(255 * a);
    }
  return png;
}

export function writeIcons(dir = path.join(root, "src/addin/assets")): string[] {
  mkdirSync(dir, { recursive: true });
  return ICON_SIZES.map((s) => {
    const file = path.join(dir, `icon-${s}.png`);
    writeFileSync(file, PNG.sync.write(drawIcon(s)));
    return file;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of writeIcons()) console.log(`wrote ${path.relative(root, f)}`);
}

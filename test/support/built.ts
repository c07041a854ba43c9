/**
 * The front ends built once for the tests that serve them. `npm test` builds before mocha starts; a test
 * file run alone builds when a source is newer than dist/'s stamp (scripts/build.ts writes it last).
 * One build per test process at most, however many files ask.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { BUILD_STAMP, buildAll } from "../../scripts/build.js";

const root = path.resolve(import.meta.dirname, "../..");
/** What the bundles and the copied pages are made of. */
const SOURCES = ["src", "contract", "assets", "scripts/build.ts", "scripts/check-es2016.ts", "package-lock.json"];

function newest(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

/** True when dist/ holds a whole build made after every source last changed. */
export function distIsFresh(): boolean {
  const stamp = path.join(root, "dist", BUILD_STAMP);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => newest(path.join(root, s)) <= built);
}

let building: Promise<void> | undefined;

export function ensureBuilt(): Promise<void> {
  building ??= distIsFresh() ? Promise.resolve() : buildAll({ quiet: true });
  return building;
}

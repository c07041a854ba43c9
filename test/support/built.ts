/**
 * The front ends built once for the tests that serve or load them. `npm test` builds before mocha starts;
 * a test file run alone builds when a source is newer than dist/'s stamp. One build per test process at
 * most, however many files ask, and no test writes into dist/ itself (test files may run in parallel).
 */
import { buildAll, distIsFresh } from "../../scripts/build.js";

let building: Promise<void> | undefined;

export function ensureBuilt(): Promise<void> {
  building ??= distIsFresh() ? Promise.resolve() : buildAll({ quiet: true });
  return building;
}

/** Bundles: the front ends built as scripts/build.ts builds them, their minified and gzip sizes. */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { SMOKE, root } from "./config.js";
import { fig, kb, notes } from "./report.js";

const gz = (b: Buffer): number => gzipSync(b).length;

/** Classic Outlook's on-send handler: minified (the 30 KB limit of issue 14) and gzip. */
function handlerFigures(onsend: Buffer | undefined, why: string): void {
  if (onsend) {
    fig("Bundles", "On-send handler, minified", kb(onsend.length), "<= 30 KB", onsend.length <= 30 * 1024);
    fig("Bundles", "On-send handler, gzip", kb(gz(onsend)));
  } else fig("Bundles", "On-send handler, minified", why, "<= 30 KB");
}

/** The on-send handler's size alone, for a group run without the build figures (BENCH_ONLY=attachments): built when dist/ is stale. */
export async function onSendHandlerSize(): Promise<void> {
  let why = "not built (source missing)";
  try {
    const { buildAll, distIsFresh } = await import("../scripts/build.js");
    if (!distIsFresh()) await buildAll({ quiet: true });
  } catch (err) {
    why = `not built (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
  const p = path.join(root, "dist", "addin", "onsend.js");
  handlerFigures(existsSync(p) ? readFileSync(p) : undefined, why);
}

export async function bundles(): Promise<void> {
  let started = Date.now();
  let buildError: string | undefined;
  try {
    const { buildAll, distIsFresh, BUILD_STAMP } = await import("../scripts/build.js");
    // The smoke run (inside npm test, beside other test files) measures the build npm test made, and
    // never rewrites dist/ under a page another test is loading.
    if (SMOKE && distIsFresh()) started = statSync(path.join(root, "dist", BUILD_STAMP)).mtimeMs - 120_000;
    else await buildAll({ quiet: true });
  } catch (err) {
    buildError = err instanceof Error ? err.message.split("\n")[0] : String(err);
    notes.push(`buildAll failed: ${buildError}`);
  }
  const fresh = (rel: string): Buffer | undefined => {
    const p = path.join(root, "dist", rel);
    if (!existsSync(p) || statSync(p).mtimeMs < started - 1000) return undefined;
    return readFileSync(p);
  };
  const why = buildError ? `not built (${buildError})` : "not built (source missing)";
  handlerFigures(fresh("addin/onsend.js"), why);
  const taskpane = fresh("addin/taskpane.js");
  fig("Bundles", "Task pane JS, gzip", taskpane ? `${kb(gz(taskpane))} (${kb(taskpane.length)} minified)` : why);
  // The tab's initial JavaScript: every script its index.html loads.
  const html = fresh("tab/index.html") ?? (existsSync(path.join(root, "dist/tab/index.html")) ? readFileSync(path.join(root, "dist/tab/index.html")) : undefined);
  const scripts = html ? [...html.toString().matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? "") : [];
  const tabFiles = scripts.map((s) => fresh(path.join("tab", s)));
  if (scripts.length > 0 && tabFiles.every((b) => b !== undefined)) {
    const total = tabFiles.reduce((a, b) => a + (b ? gz(b) : 0), 0);
    const raw = tabFiles.reduce((a, b) => a + (b ? b.length : 0), 0);
    fig("Bundles", "Tab initial JS, gzip", `${kb(total)} (${kb(raw)} minified; ${scripts.join(", ")})`, "<= 300 KB", total <= 300 * 1024);
  } else fig("Bundles", "Tab initial JS, gzip", why, "<= 300 KB");
}

/** Builds only the add-in front ends (as scripts/build.ts does) into a directory the test server serves. */
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ENTRIES, entryBuildOptions } from "../../../scripts/build.js";

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * The script a task pane test runs in the page before the pane's own (office-double-page.ts): the Office.js
 * double, bundled for the browser.
 */
export async function buildOfficeDoubleScript(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(import.meta.dirname, "office-double-page.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    logLevel: "error",
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error("esbuild wrote no office double script");
  return file.text;
}

export async function buildAddin(distDir: string): Promise<void> {
  const entries = ENTRIES.filter((e) => e.src.startsWith("src/addin/"));
  await Promise.all(
    entries.map((e) =>
      build(entryBuildOptions(e, distDir, { logLevel: "error" })),
    ),
  );
  const src = path.join(root, "src/addin");
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if ([".html", ".png", ".svg", ".css"].includes(path.extname(name))) {
        const target = path.join(distDir, "addin", path.relative(src, p));
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(p, target);
      }
    }
  };
  walk(src);
}

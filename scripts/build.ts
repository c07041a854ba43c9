/**
 * Builds the front ends with esbuild into dist/:
 *  - the on-send handler: ONE self-contained ES2016 file for classic Outlook's JavaScript runtime;
 *  - the task pane, the Teams tab and the playground: browser bundles;
 *  - the static HTML pages and assets next to them.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { assertEs2016 } from "./check-es2016.js";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "dist");

export interface Entry {
  src: string;
  out: string;
  options?: BuildOptions;
  /** Runs in classic Outlook's JavaScript-only runtime: the build fails on ES2017+ built-ins in it. */
  es2016?: boolean;
  /** ES module code splitting: dynamic imports become chunks in chunks/ beside `out`. */
  split?: boolean;
  /**
   * A split entry's page and the module it imports at once (dynamically): the page gets a
   * `<link rel="modulepreload">` for that module's chunk and every chunk it imports statically, so the
   * browser fetches them beside the entry instead of after it has run.
   */
  preload?: { page: string; module: string };
}

/** Writes the modulepreload links of `e.preload` into its page in dist/ (after copyStatic copied it), or in `outDir`. */
export function addModulePreloads(e: Entry, preload: { page: string; module: string }, meta: Metafile, outDir: string = dist): void {
  const outBase = path.join(outDir, path.dirname(e.out));
  // The metafile's paths are relative to the working directory esbuild ran in.
  const rel = (out: string): string => path.relative(outBase, path.resolve(out)).split(path.sep).join("/");
  // A dynamically imported module is an entry point of its own chunk in esbuild's metafile.
  const start = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === preload.module)?.[0];
  if (!start) throw new Error(`build: no chunk holds ${preload.module}`);
  const files = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const f = todo.pop() ?? "";
    if (files.has(f)) continue;
    files.add(f);
    for (const imp of meta.outputs[f]?.imports ?? []) if (imp.kind === "import-statement" && !imp.external) todo.push(imp.path);
  }
  const page = path.join(outDir, preload.page);
  const links = [...files].map((f) => `    <link rel="modulepreload" href="${rel(f)}" />`).join("\n");
  const html = readFileSync(page, "utf8");
  if (!html.includes("</head>")) throw new Error(`build: ${preload.page} has no </head>`);
  writeFileSync(page, html.replace(/\s*<\/head>/, `\n${links}\n  </head>`));
}

/**
 * `@fluentui/react-components` is a barrel: one module re-exporting every Fluent package. With esbuild's
 * code splitting, a barrel reached from the first screen and from the lazily loaded views put every
 * Fluent package any view uses (Card, Dialog, Switch, Textarea, Radio, motion...) into the first screen's
 * chunks (issue 17, the register's first rows). This plugin rewrites each import from the barrel (in our
 * sources and in the react-window contrib grid) into imports from the packages that define the names, so
 * a package lands in the chunks of the views that use it. Type-only names are left to esbuild (it drops them).
 */
export function fluentBarrelImports(): Plugin {
  const barrel = "@fluentui/react-components";
  let names: Map<string, { from: string; name: string }> | undefined;
  const load = (): Map<string, { from: string; name: string }> => {
    if (names) return names;
    const index = readFileSync(path.join(root, "node_modules", barrel, "lib/index.js"), "utf8").replace(/\/\/[^\n]*/g, "");
    names = new Map();
    for (const m of index.matchAll(/export\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
      for (const spec of (m[1] ?? "").split(",")) {
        const [name, as] = spec.trim().split(/\s+as\s+/);
        if (name) names.set(as ?? name, { from: m[2] ?? "", name });
      }
    }
    if (names.size < 100) throw new Error(`build: could not read the exports of ${barrel}`);
    return names;
  };
  const rewrite = (code: string, file: string): string =>
    code.replace(/\b(import|export)\s*(type\s+)?\{([^}]*)\}\s*from\s*["']@fluentui\/react-components["'];?/g, (all, kw: string, typeOnly: string | undefined, list: string) => {
      if (typeOnly) return all;
      const byPkg = new Map<string, string[]>();
      for (const raw of list.split(",")) {
        const spec = raw.replace(/\/\*[\s\S]*?\*\//g, "").trim();
        if (!spec || spec.startsWith("type ")) continue;
        const [name = "", local] = spec.split(/\s+as\s+/);
        const at = load().get(name);
        // A name the barrel re-exports as a type only: TypeScript knows it, esbuild drops its import.
        if (!at && /\.tsx?$/.test(file)) continue;
        if (!at) throw new Error(`build: ${file} imports ${name} from ${barrel}, which does not export it`);
        byPkg.set(at.from, [...(byPkg.get(at.from) ?? []), `${at.name} as ${local ?? name}`]);
      }
      return [...byPkg].map(([pkg, specs]) => `${kw} { ${specs.join(", ")} } from "${pkg}";`).join("\n");
    });
  return {
    name: "fluent-barrel-imports",
    setup(b) {
      b.onLoad({ filter: /(\/src\/.*\.tsx?|\/@fluentui-contrib\/.*\.js)$/ }, async (args) => {
        let code = readFileSync(args.path, "utf8");
        const ours = !args.path.includes("/node_modules/");
        const styled = code.includes("makeStyles(");
        if (styled) code = await precompileStyles(code);
        if (!code.includes(barrel) && !styled && !ours) return undefined;
        const loader = args.path.endsWith(".tsx") ? "tsx" : args.path.endsWith(".ts") ? "ts" : "js";
        return { contents: rewrite(code, path.relative(root, args.path)), loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** The end (index of the closing bracket) of the bracket that opens at `open`, skipping strings, templates and comments. */
function closingBracket(code: string, open: number): number {
  const stack: string[] = [];
  const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
  for (let i = open; i < code.length; i++) {
    const c = code[i] ?? "";
    const top = stack[stack.length - 1];
    if (top === "`") {
      if (c === "\\") i++;
      else if (c === "`") stack.pop();
      else if (c === "$" && code[i + 1] === "{") {
        stack.push("}");
        i++;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === "\\") i++;
    } else if (c === "/" && code[i + 1] === "/") i = code.indexOf("\n", i);
    else if (c === "/" && code[i + 1] === "*") i = code.indexOf("*/", i) + 1;
    else if (c === "`") stack.push("`");
    else if (pairs[c]) stack.push(pairs[c] ?? "");
    else if (c === top) {
      stack.pop();
      if (stack.length === 0) return i;
    }
    if (i < 0) return -1;
  }
  return -1;
}

/**
 * Griffel's build-time form of our own `makeStyles({...})` (Fluent's components ship theirs precompiled):
 * each call whose styles are plain data (strings, numbers and Fluent's `tokens`) becomes
 * `__styles(classes, css)`, computed here by Griffel's own resolver, so the page no longer parses and
 * hashes these styles as it renders (a fifth of the tab's first render, issue 17). The same for the
 * react-window contrib grid's two small style hooks: with no `makeStyles` left on the first screen, its
 * run-time resolver (stylis, rtl-css-js) is no longer loaded there. A call using anything else stays as
 * it was (computed in the page, as before).
 */
async function precompileStyles(code: string): Promise<string> {
  const { transform } = await import("esbuild");
  const { resolveStyleRulesForSlots } = await import("@griffel/core");
  const { tokens } = await import("@fluentui/react-theme");
  let out = "";
  let from = 0;
  let changed = false;
  for (const m of code.matchAll(/(?<![\w.$])makeStyles\(/g)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    if (open < from) continue;
    const close = closingBracket(code, open);
    if (close < 0) break;
    let styles: unknown;
    try {
      const js = (await transform(`(${code.slice(open + 1, close)})`, { loader: "ts" })).code.trim().replace(/;$/, "");
      styles = new Function("tokens", `"use strict"; return ${js};`)(tokens);
    } catch {
      continue; // not plain data: left to the page
    }
    const [classes, css] = resolveStyleRulesForSlots(styles as Parameters<typeof resolveStyleRulesForSlots>[0], "");
    out += code.slice(from, m.index) + `__zvStyles(${JSON.stringify(classes)}, ${JSON.stringify(css)})`;
    from = close + 1;
    changed = true;
  }
  if (!changed) return code;
  return `import { __styles as __zvStyles } from "@griffel/react";\n${out}${code.slice(from)}`;
}

export const ENTRIES: Entry[] = [
  {
    src: "src/addin/onsend/handler.ts",
    out: "addin/onsend.js",
    options: { target: "es2016", format: "iife", platform: "neutral", mainFields: ["module", "main"] },
    es2016: true,
  },
  // The same handlers for the browser-based event runtime (commands.html), with nested app authentication.
  { src: "src/addin/onsend/web.ts", out: "addin/onsend-web.js", options: { format: "iife" } },
  { src: "src/addin/taskpane/main.tsx", out: "addin/taskpane.js" },
  // The tab is split (issue 17): a small entry, React and the register as chunks it loads at once, every
  // other view as a chunk loaded when first opened (dist/tab/chunks/, names with a content hash).
  { src: "src/tab/main.tsx", out: "tab/app.js", split: true, preload: { page: "tab/index.html", module: "src/tab/mount.tsx" }, options: { plugins: [fluentBarrelImports()] } },
  { src: "src/playground/main.tsx", out: "playground/app.js" },
];

/** Static files (HTML, icons) copied from these folders into dist/ at the same relative place. */
const STATIC_DIRS = ["src/addin", "src/tab", "src/playground", "assets"];
const STATIC_EXT = new Set([".html", ".png", ".svg", ".ico", ".css", ".json"]);

function copyStatic(dir: string): void {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (STATIC_EXT.has(path.extname(name))) {
        const rel = path.relative(path.join(root, dir.startsWith("src/") ? "src" : ""), p);
        const target = path.join(dist, rel);
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(p, target);
      }
    }
  };
  walk(abs);
}

/** The esbuild options of one entry, written to outDir (dist/ in the build; a test may pick another). */
export function entryBuildOptions(e: Entry, outDir: string = dist, overrides: BuildOptions = {}): BuildOptions {
  const out = e.split
    ? { outdir: path.join(outDir, path.dirname(e.out)), entryNames: path.basename(e.out, ".js"), chunkNames: "chunks/[name]-[hash]", splitting: true }
    : { outfile: path.join(outDir, e.out) };
  return {
    entryPoints: [path.join(root, e.src)],
    ...out,
    bundle: true,
    minify: true,
    sourcemap: false,
    target: "es2020",
    format: "esm",
    platform: "browser",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none",
    logLevel: "warning",
    ...overrides,
    ...e.options,
  };
}

export async function buildAll(opts: { quiet?: boolean } = {}): Promise<void> {
  mkdirSync(dist, { recursive: true });
  const missing = ENTRIES.filter((e) => !existsSync(path.join(root, e.src)));
  if (missing.length && !opts.quiet) console.warn(`build: not yet present, skipped: ${missing.map((m) => m.src).join(", ")}`);
  const present = ENTRIES.filter((e) => existsSync(path.join(root, e.src)));
  // A split entry's chunks of an earlier build would pile up (their names change with their content).
  for (const e of present.filter((x) => x.split)) rmSync(path.join(dist, path.dirname(e.out), "chunks"), { recursive: true, force: true });
  const results = await Promise.all(present.map((e) => build(entryBuildOptions(e, dist, e.preload ? { metafile: true } : {}))));
  for (const e of present.filter((x) => x.es2016)) {
    const file = path.join(dist, e.out);
    assertEs2016(readFileSync(file, "utf8"), path.relative(root, file));
  }
  for (const d of STATIC_DIRS) copyStatic(d);
  present.forEach((e, i) => {
    const meta = results[i]?.metafile;
    if (e.preload && meta) addModulePreloads(e, e.preload, meta);
  });
  // Marks a complete build: tests reuse dist/ when this stamp is newer than every source file.
  writeFileSync(path.join(dist, BUILD_STAMP), new Date().toISOString());
}

/** The file buildAll writes last; its mtime says when dist/ was last built whole. */
export const BUILD_STAMP = ".built";
/** What the bundles and the copied pages are made of. */
const BUILD_SOURCES = ["src", "contract", "assets", "scripts/build.ts", "scripts/check-es2016.ts", "package-lock.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, name)));
  return max;
}

/** True when dist/ holds a whole build made after every source last changed. */
export function distIsFresh(): boolean {
  const stamp = path.join(dist, BUILD_STAMP);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return BUILD_SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildAll().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

import assert from "node:assert/strict";
import path from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { build, type Metafile, type Plugin } from "esbuild";

/**
 * The shape of the code, judged from the bundler's metafile (so re-exports and type-only imports
 * count: esbuild keeps `import type` edges in the metafile's import list):
 * - the folders of server/ form a tree: no cycle between components (the root files app.ts, main.ts,
 *   config.ts and run.ts are one component; shared/ imports no other component);
 * - src/ never reaches server/;
 * - contract/ imports neither server/ nor src/.
 * The bundler drops type-only imports, so a plugin turns them into plain imports first and the
 * bundle keeps every import as written (verbatimModuleSyntax).
 */
const typeImportsCount: Plugin = {
  name: "type-imports-count",
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const source = readFileSync(args.path, "utf8")
        .replace(/\bimport\s+type\s+(?=[{*A-Za-z_$])/g, "import ")
        .replace(/\bexport\s+type\s+(?=[{*])/g, "export ")
        .replace(/([{,]\s*)type\s+(?=[A-Za-z_$][\w$]*\s*(?:[,}]|as\b))/g, "$1");
      return { contents: source, loader: args.path.endsWith("x") ? "tsx" : "ts" };
    });
  },
};
const ROOT = path.join(import.meta.dirname, "..", "..");

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

async function importGraph(entries: string[]): Promise<Map<string, string[]>> {
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outdir: "/tmp/zv-arch",
    logLevel: "silent",
    jsx: "automatic",
    loader: { ".png": "empty", ".css": "empty" },
    plugins: [typeImportsCount],
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, jsx: "react-jsx" } },
  });
  const meta: Metafile = r.metafile;
  return new Map(Object.entries(meta.inputs).map(([file, input]) => [file, input.imports.filter((i) => !i.external).map((i) => i.path)]));
}

/** server/register/service.ts -> "register"; server/app.ts -> "(root)". */
const componentOf = (file: string): string | undefined => {
  const m = /^server\/(?:([^/]+)\/)?[^/]+$/.exec(file);
  if (!m) return undefined;
  return m[1] ?? "(root)";
};

describe("Architecture: imports", function () {
  this.timeout(60_000);
  let server: Map<string, string[]>;
  let front: Map<string, string[]>;
  let contract: Map<string, string[]>;
  before(async () => {
    server = await importGraph(filesUnder("server"));
    front = await importGraph(filesUnder("src"));
    contract = await importGraph(filesUnder("contract"));
  });

  it("When the server's components import each other, then they form a tree: no two-way pair, no cycle, shared/ a leaf", () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const [file, imports] of server) {
      const from = componentOf(file);
      if (!from) continue;
      for (const i of imports) {
        const to = componentOf(i);
        if (!to || to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)?.add(to);
        why.set(`${from}->${to}`, `${file} -> ${i}`);
      }
    }
    assert.ok(edges.size >= 8, `components found: ${[...edges.keys()].join(", ")}`);
    assert.deepEqual([...(edges.get("shared") ?? [])], [], "shared/ imports no other component");
    // Any cycle: depth-first search for a back edge.
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (c: string, trail: string[]): void => {
      state.set(c, "open");
      for (const n of edges.get(c) ?? []) {
        if (state.get(n) === "open") {
          const loop = [...trail.slice(trail.indexOf(n)), c, n];
          cycles.push(loop.map((x, k) => (k + 1 < loop.length ? why.get(`${x}->${loop[k + 1]}`) : undefined)).filter(Boolean).join("\n    "));
        } else if (!state.has(n)) visit(n, [...trail, c]);
      }
      state.set(c, "done");
    };
    for (const c of edges.keys()) if (!state.has(c)) visit(c, []);
    assert.deepEqual(cycles, [], `cycles between server components:\n  ${cycles.join("\n  ")}`);
  });

  it("When the front ends are bundled, then nothing of server/ is reached (types included)", () => {
    const reached = [...front.entries()].flatMap(([file, imports]) =>
      file.startsWith("server/") ? [] : imports.filter((i) => i.startsWith("server/")).map((i) => `${file} -> ${i}`),
    );
    assert.deepEqual([...front.keys()].filter((f) => f.startsWith("server/")), [], "server files in the front ends' bundles");
    assert.deepEqual(reached, []);
    assert.ok([...front.keys()].some((f) => f.startsWith("contract/")), "the front ends use the contract");
  });

  it("When the contract is bundled, then it imports neither server/ nor src/", () => {
    const files = [...contract.keys()];
    assert.ok(files.length >= 5);
    assert.deepEqual(files.filter((f) => !f.startsWith("contract/")), []);
  });
});

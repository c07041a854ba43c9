/**
 * Where the server's CPU time went: `npx tsx bench/profile-top.ts [file.cpuprofile]` (default: the newest
 * in bench/profiles/, written by `BENCH_CPU_PROF=1 npm run bench`). Prints self time by package / source
 * folder and the top functions.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = path.resolve(import.meta.dirname, "profiles");
const file =
  process.argv[2] ??
  readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) throw new Error("no .cpuprofile found");
const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith("node:")) return url;
  const own = /\/(server\/[^/]+|src\/[^/]+|bench)\//.exec(url);
  return own?.[1] ?? url;
}

const byArea = new Map<string, number>();
const byFn = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const a = area(url, functionName);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
  const f = `${functionName || "(anonymous)"} ${url ? `${url.replace(/^.*\/(node_modules|server|src)\//, "$1/")}:${lineNumber + 1}` : ""}`;
  byFn.set(f, (byFn.get(f) ?? 0) + us);
}
const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled\n\nSelf time by area:`);
for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`${pct(us)}  ${a}`);
console.log("\nTop functions (self time):");
for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`${pct(us)}  ${f}`);

// Total time: a function's own samples and those of everything it called (each function once per stack).
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode): string => `${n.callFrame.functionName || "(anonymous)"} ${area(n.callFrame.url, n.callFrame.functionName)}`;
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n) break;
    const l = label(n);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}
const top = Number(process.env.PROFILE_TOP ?? 40);
console.log("\nTop functions (total time, with what they called):");
for (const [f, us] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(us)}  ${f}`);

/**
 * Where the tab's main thread spends its time before the register's first row, from the recordings of
 * `BENCH_TAB_PROFILE=<dir>` (bench/tab.ts): `npx tsx bench/tab-profile.ts <dir>` prints, per visit and as
 * medians per build (baseline / current), the renderer main thread's CPU between the navigation and the
 * first row seen, by trace event (self thread time: compile, evaluate, function calls, style, layout,
 * paint, GC), its long tasks, and the CPU profile's self time by package or source folder.
 *
 * The profile names packages when the build is readable: `npx tsx bench/tab-profile.ts build <dir>` writes
 * the tab as scripts/build.ts does but not minified (esbuild's `// path` comments name each module, and
 * keepNames keeps the functions' names) into <dir>, to be served with BENCH_TAB_BASELINE=<dir>. On a
 * minified build the profile's items are its chunks.
 */
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  tts?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { documentLoaderURL?: string; url?: string } };
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface PageClock {
  name: string;
  build: string;
  rowSeen: number;
}

/** One visit's figures, in ms of CPU on the renderer's main thread between the navigation and the first row. */
interface VisitFigures {
  name: string;
  rowSeen: number;
  mainCpu: number;
  byEvent: Map<string, number>;
  byArea: Map<string, number>;
  /** Self time per function (name and package). */
  byFunction: Map<string, number>;
  longTasks: string[];
}

const TOP_TASK = new Set(["RunTask", "ThreadControllerImpl::RunTask", "ThreadControllerImpl::DoWork"]);

/** Per-module line index of an unminified esbuild chunk: its `// path` comments. */
const moduleIndex = new Map<string, { line: number; mod: string }[] | undefined>();
function moduleAt(file: string, line: number): string | undefined {
  if (!moduleIndex.has(file)) {
    let idx: { line: number; mod: string }[] | undefined;
    if (existsSync(file)) {
      const lines = readFileSync(file, "utf8").split("\n");
      const marks = lines.flatMap((l, i) => (/^\/\/ \S*(node_modules|src|contract)\/\S+$/.test(l) ? [{ line: i, mod: l.slice(3).replace(/^.*?(?=(node_modules|src|contract)\/)/, "") }] : []));
      idx = marks.length ? marks : undefined;
    }
    moduleIndex.set(file, idx);
  }
  const idx = moduleIndex.get(file);
  if (!idx) return undefined;
  let lo = 0;
  let hi = idx.length - 1;
  let found: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = idx[mid];
    if (m && m.line <= line) {
      found = m.mod;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A package (`@fluentui/react-table`) or our source folder (`src/tab/views`), else the chunk's file name. */
function areaOf(url: string, line: number, fn: string, build: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const rel = new URL(url).pathname.replace(/^\/tab\//, "");
  const mod = moduleAt(path.join(build, rel), line);
  if (!mod) return rel.replace(/-[A-Z0-9]{8}\.js$/, ".js");
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mod);
  return nm?.[1] ?? mod.replace(/\/[^/]+$/, "");
}

function analyse(base: string): VisitFigures {
  const clock = JSON.parse(readFileSync(`${base}.json`, "utf8")) as PageClock;
  const raw = JSON.parse(readFileSync(`${base}.trace.json`, "utf8")) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const nav = events.find((e) => e.name === "navigationStart" && /\/tab\//.test(e.args?.data?.documentLoaderURL ?? ""));
  if (!nav) throw new Error(`${base}: no navigationStart of the tab in the trace`);
  const from = nav.ts;
  const to = nav.ts + clock.rowSeen * 1000;
  // The page's main thread: the thread of its navigationStart.
  const main = events.filter((e) => e.pid === nav.pid && e.tid === nav.tid);
  // Complete events (X, and B/E pairs) of the main thread inside the window, with their thread time.
  const spans: { name: string; ts: number; end: number; cpu: number }[] = [];
  const open: TraceEvent[] = [];
  for (const e of main) {
    if (e.ph === "X" && e.dur !== undefined) spans.push({ name: e.name, ts: e.ts, end: e.ts + e.dur, cpu: e.tdur ?? e.dur });
    else if (e.ph === "B") open.push(e);
    else if (e.ph === "E") {
      const b = open.pop();
      if (b) spans.push({ name: b.name, ts: b.ts, end: e.ts, cpu: b.tts !== undefined && e.tts !== undefined ? e.tts - b.tts : e.ts - b.ts });
    }
  }
  const inWindow = spans.filter((s) => s.ts >= from && s.ts < to).sort((a, b) => a.ts - b.ts || b.end - a.end);
  // Self thread time per event name (a span's time minus that of the spans nested in it).
  const byEvent = new Map<string, number>();
  const stack: { name: string; end: number; self: number }[] = [];
  const close = (upTo: number): void => {
    while (stack.length && (stack[stack.length - 1]?.end ?? 0) <= upTo) {
      const s = stack.pop();
      if (s) byEvent.set(s.name, (byEvent.get(s.name) ?? 0) + Math.max(0, s.self) / 1000);
    }
  };
  let mainCpu = 0;
  const longTasks: string[] = [];
  for (const s of inWindow) {
    close(s.ts);
    const parent = stack[stack.length - 1];
    if (parent) parent.self -= s.cpu;
    else if (TOP_TASK.has(s.name)) {
      mainCpu += s.cpu / 1000;
      if (s.cpu >= 30_000) {
        const inside = inWindow.filter((x) => x.ts >= s.ts && x.end <= s.end && x !== s && !TOP_TASK.has(x.name));
        const names = [...new Set(inside.slice(0, 40).map((x) => x.name))].slice(0, 5).join(", ");
        longTasks.push(`at ${((s.ts - from) / 1000).toFixed(0)} ms: ${(s.cpu / 1000).toFixed(0)} ms CPU, ${((s.end - s.ts) / 1000).toFixed(0)} ms wall (${names})`);
      }
    }
    stack.push({ name: s.name, end: s.end, self: s.cpu });
  }
  close(Number.POSITIVE_INFINITY);
  byEvent.delete("RunTask");
  byEvent.delete("ThreadControllerImpl::RunTask");

  // The CPU profile's samples in the same window (its clock is the trace's), by package or source folder.
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  if (existsSync(`${base}.cpuprofile`)) {
    const prof = JSON.parse(readFileSync(`${base}.cpuprofile`, "utf8")) as CpuProfile;
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    let t = prof.startTime;
    prof.samples.forEach((id, i) => {
      const dt = prof.timeDeltas[i] ?? 0;
      t += dt;
      if (t < from || t >= to) return;
      const n = byId.get(id);
      if (!n) return;
      const { url, lineNumber, functionName } = n.callFrame;
      const a = areaOf(url, lineNumber, functionName, clock.build);
      if (a === "(idle)") return;
      const spent = (prof.timeDeltas[i + 1] ?? dt) / 1000;
      byArea.set(a, (byArea.get(a) ?? 0) + spent);
      const f = `${functionName || "(anonymous)"} ${a}`;
      byFunction.set(f, (byFunction.get(f) ?? 0) + spent);
    });
  }
  return { name: clock.name, rowSeen: clock.rowSeen, mainCpu, byEvent, byArea, byFunction, longTasks };
}

const fmt = (n: number): string => `${n.toFixed(0).padStart(6)} ms`;
const top = (m: Map<string, number>, n: number): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function report(dir: string): void {
  const bases = readdirSync(dir)
    .filter((f) => f.endsWith(".trace.json"))
    .map((f) => path.join(dir, f.replace(/\.trace\.json$/, "")))
    .sort();
  const visits = bases.map(analyse);
  for (const v of visits) {
    console.log(`\n== ${v.name}: first row seen at ${v.rowSeen.toFixed(0)} ms; main thread CPU before it ${v.mainCpu.toFixed(0)} ms`);
    console.log("  by trace event (self thread time):");
    for (const [k, ms] of top(v.byEvent, 12)) console.log(`  ${fmt(ms)}  ${k}`);
    console.log("  by package (CPU profile, self time):");
    for (const [k, ms] of top(v.byArea, 16)) console.log(`  ${fmt(ms)}  ${k}`);
    if (v.longTasks.length) console.log(`  long tasks:\n    ${v.longTasks.join("\n    ")}`);
  }
  // Medians per build: the visits' names are "baseline N" and "current N" (or the two visits of a plain run).
  const groups = new Map<string, VisitFigures[]>();
  for (const v of visits) {
    const g = v.name.replace(/\s*\d+$/, "");
    groups.set(g, [...(groups.get(g) ?? []), v]);
  }
  for (const [g, vs] of groups) {
    console.log(`\n== ${g}: medians of ${vs.length} visits: first row ${median(vs.map((v) => v.rowSeen)).toFixed(0)} ms, main thread CPU ${median(vs.map((v) => v.mainCpu)).toFixed(0)} ms`);
    const keys = (pick: (v: VisitFigures) => Map<string, number>): [string, number][] => {
      const all = new Set(vs.flatMap((v) => [...pick(v).keys()]));
      return [...all].map((k): [string, number] => [k, median(vs.map((v) => pick(v).get(k) ?? 0))]).sort((a, b) => b[1] - a[1]);
    };
    console.log("  by trace event:");
    for (const [k, ms] of keys((v) => v.byEvent).slice(0, 12)) console.log(`  ${fmt(ms)}  ${k}`);
    console.log("  by package:");
    for (const [k, ms] of keys((v) => v.byArea).slice(0, 20)) console.log(`  ${fmt(ms)}  ${k}`);
    console.log("  by function:");
    for (const [k, ms] of keys((v) => v.byFunction).slice(0, 25)) console.log(`  ${fmt(ms)}  ${k}`);
  }
}

/** The tab built as scripts/build.ts builds it, but readable (not minified, names kept), into `out`. */
async function buildReadable(out: string): Promise<void> {
  const { build } = await import("esbuild");
  const { ENTRIES, entryBuildOptions, addModulePreloads } = await import("../scripts/build.js");
  const e = ENTRIES.find((x) => x.out === "tab/app.js");
  if (!e?.preload) throw new Error("build: no split tab entry");
  const root = path.resolve(import.meta.dirname, "..");
  const dist = path.resolve(out, "..", `.${path.basename(out)}-dist`);
  rmSync(dist, { recursive: true, force: true });
  const result = await build(entryBuildOptions(e, dist, { minify: false, keepNames: true, metafile: true }));
  for (const f of ["index.html", "tab.css"]) cpSync(path.join(root, "src/tab", f), path.join(dist, "tab", f));
  if (!result.metafile) throw new Error("build: no metafile");
  addModulePreloads(e, e.preload, result.metafile, dist);
  rmSync(out, { recursive: true, force: true });
  cpSync(path.join(dist, "tab"), out, { recursive: true });
  rmSync(dist, { recursive: true, force: true });
  console.log(`readable tab build in ${out}`);
}

const [cmd, arg] = process.argv.slice(2);
if (cmd === "build" && arg) await buildReadable(path.resolve(arg));
else if (cmd && !arg) report(path.resolve(cmd));
else throw new Error("usage: tab-profile.ts <dir of BENCH_TAB_PROFILE> | tab-profile.ts build <out dir>");

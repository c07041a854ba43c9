/**
 * The bench's figures and their document: every group reports with `fig`, the runner renders the table
 * into docs/BENCHMARKS.md (only between the result markers).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { SIZES, SMOKE, root } from "./config.js";

export interface Figure {
  section: string;
  name: string;
  value: string;
  target?: string;
  /** undefined: no target, or not measured. */
  met?: boolean;
}
export const figures: Figure[] = [];
export function fig(section: string, name: string, value: string, target?: string, met?: boolean): void {
  figures.push({ section, name, value, ...(target ? { target } : {}), ...(met === undefined ? {} : { met }) });
  console.log(`  ${section} | ${name}: ${value}${target ? ` (target ${target}: ${met === undefined ? "n/a" : met ? "met" : "MISSED"})` : ""}`);
}
export const notes: string[] = [];

export const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + " ms";
export const kb = (bytes: number): string => (bytes / 1024).toFixed(1) + " KB";
export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0) + " MB";
export const rate = (x: number): string => x.toFixed(0);
export const ratio = (x: number): string => x.toFixed(1) + "x";
/** A ratio judged against a target: two decimals, so that 1.98x does not read as a 2.0x that "met". */
export const ratio2 = (x: number): string => x.toFixed(2) + "x";

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? NaN;
}
export function stats(samples: number[]): { p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}

export function log(msg: string): void {
  console.log(`[bench ${((performance.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
}
export const T0 = performance.now();

export function machine(): string {
  const cpus = os.cpus();
  return [
    `CPU: ${cpus[0]?.model.trim() ?? "unknown"}`,
    `cores: ${cpus.length}`,
    `memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `Node ${process.version}`,
    `${os.type()} ${os.release()}`,
    `load average at start ${os.loadavg().map((l) => l.toFixed(1)).join("/")} (shared machine)`,
    `date: ${new Date().toISOString()}`,
  ].join(", ");
}

export const SECTIONS = ["Floor", "Checks", "Recording", "A/B", "Confirmation", "Detection", "Import", "Bounded", "Attachments", "Bundles", "Tab"];

export function renderResults(desc: string): string {
  const lines = [
    `Machine: ${desc}.`,
    "",
    `Board: ${SIZES.students.toLocaleString("en")} students, ${(SIZES.students * 2).toLocaleString("en")} guardians, ${SIZES.parties} parties, ${SIZES.events.toLocaleString("en")} consent events${SMOKE ? " (SMOKE run: small board, short runs)" : ""}.`,
    "",
    "| Area | Measurement | Result | Target | |",
    "|---|---|---|---|---|",
  ];
  for (const s of SECTIONS) {
    for (const f of figures.filter((x) => x.section === s)) {
      const mark = f.target ? (f.met === undefined ? "n/a" : f.met ? "met" : "**missed**") : "";
      lines.push(`| ${f.section} | ${f.name} | ${f.value.replace(/\|/g, "/")} | ${f.target ?? ""} | ${mark} |`);
    }
  }
  if (notes.length) lines.push("", ...notes.map((n) => `- Note: ${n}`));
  return lines.join("\n");
}

export const START = "<!-- bench:results:start -->";
export const END = "<!-- bench:results:end -->";

export function writeDoc(results: string): void {
  const out = process.env.BENCH_OUT ?? path.join(root, SMOKE ? "test-output/bench/BENCHMARKS.md" : "docs/BENCHMARKS.md");
  mkdirSync(path.dirname(out), { recursive: true });
  const block = `${START}\n${results}\n${END}`;
  let doc: string;
  if (existsSync(out)) {
    const old = readFileSync(out, "utf8");
    const a = old.indexOf(START);
    const b = old.indexOf(END);
    doc = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + END.length) : `${old.trimEnd()}\n\n${block}\n`;
  } else {
    doc = `# Benchmarks\n\n\`npm run bench\` (see bench/run.ts). Results of the last run:\n\n${block}\n`;
  }
  writeFileSync(out, doc);
  console.log(`written: ${path.relative(root, out)}`);
}

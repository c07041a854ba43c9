/** Detection: the StudentDetector (Aho-Corasick) against one RegExp per student, in this process. */
import { performance } from "node:perf_hooks";
import { StudentDetector } from "../server/directory/detect.js";
import { mailText, type BoardStudent } from "./board.js";
import { SIZES, SMOKE } from "./config.js";
import { fig, ms, ratio } from "./report.js";

export function detection(students: BoardStudent[]): void {
  const planted = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => students[Math.floor(f * (students.length - 1))]).filter((s): s is BoardStudent => s !== undefined);
  const text = mailText(100_000, planted.map((s) => s.fullName));
  let t = performance.now();
  const detector = new StudentDetector(students.map((s) => s.input));
  const buildMs = performance.now() - t;
  for (let i = 0; i < 3; i++) detector.detect([text]);
  t = performance.now();
  let found = 0;
  for (let i = 0; i < SIZES.detectRuns; i++) found = detector.detect(["Overleg", text]).length;
  const acMs = (performance.now() - t) / SIZES.detectRuns;

  // Naive: one whole-word (\b), case-insensitive RegExp per student's full name, over the raw text. Each
  // regex scans the whole text, so the cost is linear in the students: timed on a sample, scaled up.
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const naiveOf = (s: BoardStudent): RegExp => new RegExp(`\\b${esc(s.fullName)}\\b`, "i");
  const sample = Math.min(students.length, SMOKE ? students.length : 3_000);
  const step = students.length / sample;
  const sampled = Array.from({ length: sample }, (_, k) => students[Math.floor(k * step)]).filter((s): s is BoardStudent => s !== undefined);
  t = performance.now();
  const regexes = sampled.map(naiveOf);
  const naiveBuild = ((performance.now() - t) * students.length) / sample;
  t = performance.now();
  for (let i = 0; i < SIZES.naiveRuns; i++) for (const r of regexes) r.test(text);
  const naiveMs = ((performance.now() - t) / SIZES.naiveRuns) * (students.length / sample);
  const naiveFound = planted.filter((s) => naiveOf(s).test(text)).length;
  const scaled = sample < students.length ? `; timed on ${sample.toLocaleString("en")} of the regexes, scaled linearly` : "";
  const speedup = naiveMs / acMs;
  fig("Detection", `StudentDetector, 100 KB mail, ${students.length.toLocaleString("en")} students`, `${ms(acMs)} per mail (found ${found}; automaton built in ${ms(buildMs)})`);
  fig("Detection", "Naive: one RegExp per student", `${ms(naiveMs)} per mail (finds ${naiveFound} of the 5 named; ${ms(naiveBuild)} to compile${scaled})`);
  fig("Detection", "Speed-up", ratio(speedup), ">= 20x", speedup >= 20);
}

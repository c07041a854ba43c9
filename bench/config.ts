/** The bench's sizes and constants: the board it builds, how long it runs (BENCH_SMOKE=1: the small, short run). */
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
export const SMOKE = process.env.BENCH_SMOKE === "1";
export const BOARD_TENANT = "5b0a4d7e-2c1f-4e8a-9d3b-6f7e8a9b0c1d";
export const TABLE_PREFIX = "bench";

export const SIZES = SMOKE
  ? { students: 500, parties: 200, events: 400, schools: 5, tabStudents: 300, runSeconds: 1, c1Seconds: 1, chunk: 250, apiEvents: 200, floorReads: 300, naiveRuns: 1, detectRuns: 5 }
  : { students: 30_000, parties: 200, events: 150_000, schools: 40, tabStudents: 30_000, runSeconds: 10, c1Seconds: 3, chunk: 5_000, apiEvents: 1_000, floorReads: 3_000, naiveRuns: 2, detectRuns: 30 };
if (process.env.BENCH_STUDENTS) SIZES.students = Number(process.env.BENCH_STUDENTS);
if (process.env.BENCH_EVENTS) SIZES.events = Number(process.env.BENCH_EVENTS);
/** When the board is no larger than the tab's register, the tab opens the board itself (no second import). */
export const TAB_ON_BOARD = SIZES.students <= SIZES.tabStudents;
export const API_EVENTS = Math.min(SIZES.events, Number(process.env.BENCH_API_EVENTS ?? SIZES.apiEvents));
export const CONNECTIONS = 10;
/** Seconds the in-process seeding of consent events may take before the measurements start anyway. */
export const SEED_BUDGET_S = Number(process.env.BENCH_SEED_SECONDS ?? 240);


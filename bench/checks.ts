/**
 * Checks: POST /api/check under autocannon, for three kinds of mail, on 1 and 10 connections, as ratios
 * of the storage floor.
 */
import type { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { LEGAL_PARTIES, mailText, partyDomain, partyOfStudent, schoolDomain, type BoardStudent } from "./board.js";
import { CONNECTIONS, SIZES } from "./config.js";
import { fig, log, ms, notes, rate, ratio, stats } from "./report.js";
import path from "node:path";
import { call, type ServerChild } from "./server-child.js";
import { root } from "./config.js";

/** The part of autocannon's programmatic API used here (loaded with require: the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
}
type Autocannon = (
  opts: { url: string; connections: number; duration: number; pipelining: number; timeout: number; requests: AutocannonRequest[] },
  cb: (err: Error | null, result: AutocannonResult) => void,
) => EventEmitter;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** A JSON body for POST /api/check, built by concatenating pre-escaped pieces (cheap per request). */
export class MailTemplate {
  private readonly pieces: string[];
  constructor(bytes: number, private readonly slots: number) {
    const marker = "\u0001";
    const text = mailText(bytes, Array.from({ length: slots }, () => marker));
    this.pieces = text.split(`${marker},`).map((p) => JSON.stringify(p).slice(1, -1));
  }
  /** `extra`: more members of the body, e.g. `,"mode":"send"` (pre-serialised, starting with a comma). */
  body(names: string[], to: (string | { address: string; name?: string; type?: string })[], subject: string, extra = ""): string {
    let b = this.pieces[0] ?? "";
    for (let k = 0; k < this.slots; k++) b += JSON.stringify(`${names[k] ?? ""},`).slice(1, -1) + (this.pieces[k + 1] ?? "");
    return `{"to":${JSON.stringify(to)},"cc":[],"bcc":[],"subject":${JSON.stringify(subject)},"body":"${b}","attachments":[],"purposeId":"zorg"${extra}}`;
  }
}

export interface CheckCase {
  id: string;
  label: string;
  /** The n-th request's body. */
  body(n: number): string;
  /** Headers of the n-th request beside the token (e.g. its Idempotency-Key). */
  headers?(n: number): Record<string, string>;
  /** Default /api/check (the HTTP floor: /floor). */
  path?: string;
  target?: { ratio: number };
}

export interface LoadResult {
  /** The server process's CPU time per answered request (ms, user and system), when the run was given the server. */
  cpu?: { user: number; system: number; gc: number };
  p50: number;
  p99: number;
  rps: number;
  total: number;
  errors: number;
  non2xx: number;
}

/** The fewest answers a figure is made of. */
const MIN_SAMPLES = 3;

export function load(url: string, token: string, c: CheckCase, connections: number, seconds: number, offset: number): Promise<LoadResult> {
  let n = offset;
  const lat: number[] = [];
  const request: AutocannonRequest = {
    method: "POST",
    path: c.path ?? "/api/check",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    setupRequest: (req) => {
      const i = n++;
      return { ...req, body: c.body(i), ...(c.headers ? { headers: { ...request.headers, ...c.headers(i) } } : {}) };
    },
  };
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 30, requests: [request] }, (err, r) => {
      if (err) return reject(err);
      const done = (): void => {
        const s = stats(lat);
        resolve({ p50: s.p50, p99: s.p99, rps: lat.length / r.duration, total: r.requests.total, errors: r.errors + r.timeouts, non2xx: r.non2xx });
      };
      // On a loaded machine a short window can end before one answer arrived: then a few answers are
      // measured one after the other, so the figure is a slow number rather than none (NaN).
      if (lat.length >= MIN_SAMPLES) return done();
      void (async () => {
        while (lat.length < MIN_SAMPLES) {
          const t = performance.now();
          const i = n++;
          const res = await call(url, token, "POST", c.path ?? "/api/check", JSON.parse(c.body(i)), c.headers?.(i));
          if (res.status >= 200 && res.status < 300) lat.push(performance.now() - t);
          else break;
        }
        done();
      })().catch(reject);
    });
    inst.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) lat.push(responseTime);
    });
  });
}

/** The Checks figures for a board whose first `seeded` students have a register; `fl` is the floor. */
/**
 * The measurement of one case: a warm-up at 10 connections, then one connection (unloaded latency), then
 * 10 connections (latency under load, throughput); failed or non-2xx answers are noted. Each run uses its
 * own range of mails from `offset` (`steps`: how far each run moves it on).
 */
export async function oneAndTen(
  base: string,
  token: string,
  c: CheckCase,
  offset: number,
  steps: [warm: number, one: number, ten: number],
  server?: ServerChild,
): Promise<{ one: LoadResult; ten: LoadResult; offset: number }> {
  await load(base, token, c, CONNECTIONS, 1, offset);
  offset += steps[0];
  // BENCH_CPU_PROF=cases: the server's CPU profile of this case's measured runs, bench/profiles/<id>.cpuprofile.
  const profiled = server && process.env.BENCH_CPU_PROF === "cases";
  if (profiled) await server.profile("start");
  // The server's CPU time per answer: what a request costs the server, whatever else loads the machine.
  const timed = async (connections: number, seconds: number, from: number): Promise<LoadResult> => {
    const before = server ? await server.cpuMs() : undefined;
    const r = await load(base, token, c, connections, seconds, from);
    if (!server || !before || r.total === 0) return r;
    const after = await server.cpuMs();
    return { ...r, cpu: { user: (after.user - before.user) / r.total, system: (after.system - before.system) / r.total, gc: (after.gc - before.gc) / r.total } };
  };
  const one = await timed(1, SIZES.c1Seconds, offset);
  offset += steps[1];
  const ten = await timed(CONNECTIONS, SIZES.runSeconds, offset);
  offset += steps[2];
  if (profiled) await server.profile("stop", path.join(root, "bench", "profiles", `${c.id}.cpuprofile`));
  const bad = one.errors + one.non2xx + ten.errors + ten.non2xx;
  if (bad > 0) notes.push(`${c.label}: ${bad} failed or non-2xx responses during the runs`);
  return { one, ten, offset };
}

/** ", server CPU 1.23 ms per check" when measured. */
export function cpuNote(r: Pick<LoadResult, "cpu">): string {
  return r.cpu === undefined ? "" : `; server CPU ${ms(r.cpu.user + r.cpu.system)} per check (${ms(r.cpu.system)} system, GC pauses ${ms(r.cpu.gc)})`;
}

/**
 * The figure of a case on 1 connection: p50, p99 and rate, and the p50 as a multiple of `floorP50` (named
 * `floorName`); with `target`, the multiple it may reach.
 */
export function oneConnectionFig(section: string, label: string, one: LoadResult, floorP50: number, floorName: string, what: string, target?: number): void {
  const r = one.p50 / floorP50;
  fig(
    section,
    `${label}: 1 connection`,
    `p50 ${ms(one.p50)}, p99 ${ms(one.p99)}, ${rate(one.rps)}/s; p50 = ${ratio(r)} ${floorName} (${what})${cpuNote(one)}`,
    target !== undefined ? `p50 <= ${target}x floor` : undefined,
    target !== undefined ? r <= target : undefined,
  );
}

export async function runChecks(
  base: string,
  staff: string,
  students: BoardStudent[],
  seeded: number,
  fl: { p50: number; c10p50: number },
  server?: ServerChild,
): Promise<void> {
  // Mails name students whose register was seeded (all of them unless the seeding budget ran out).
  const active = Math.max(5, Math.min(students.length, seeded));
  const nameOf = (i: number): string => students[i % active]?.fullName ?? "";
  const small = new MailTemplate(2_000, 1);
  const large = new MailTemplate(100_000, 5);
  const none = new MailTemplate(2_000, 0);
  const cases: CheckCase[] = [
    {
      id: "one",
      label: "2 KB mail, 1 student, 1 party",
      body: (n) => small.body([nameOf(n)], [`zorg@${partyDomain(partyOfStudent(n % active, SIZES.parties))}`], "Overleg over de begeleiding"),
      target: { ratio: 2 },
    },
    {
      id: "five",
      label: "100 KB mail, 5 students, 3 recipients",
      body: (n) => {
        const i = (n * 5) % Math.max(1, active - 5);
        return large.body(
          [0, 1, 2, 3, 4].map((k) => nameOf(i + k)),
          [`zorg@${partyDomain(partyOfStudent(i, SIZES.parties))}`, `leerplicht@${partyDomain(i % LEGAL_PARTIES)}`, `mentor@${schoolDomain(i % SIZES.schools)}`],
          "Verslag van het zorgoverleg",
        );
      },
      target: { ratio: 4 },
    },
    {
      id: "nobody",
      label: "2 KB mail about nobody",
      body: (n) => none.body([], [`zorg@${partyDomain(partyOfStudent(n, SIZES.parties))}`], "Planning van de week"),
    },
  ];

  log("first check after the import (loads the directory and builds the detector)");
  const t = performance.now();
  const first = await call<{ verdict: string }>(base, staff, "POST", "/api/check", JSON.parse(cases[2]?.body(0) ?? "{}"));
  if (first.status !== 200 && first.status !== 201) throw new Error(`check: ${first.status} ${JSON.stringify(first.json)}`);
  fig("Checks", "First check after an import (cold directory cache)", ms(performance.now() - t));

  let offset = 1000;
  let throughputMet = true;
  for (const c of cases) {
    // What the server decides for this case (a sample request, outside the measurement).
    const sample = await call<{ verdict: string; students: unknown[]; recipients: unknown[] }>(base, staff, "POST", "/api/check", JSON.parse(c.body(offset++)));
    if (sample.status >= 300) throw new Error(`check ${c.id}: ${sample.status} ${JSON.stringify(sample.json).slice(0, 300)}`);
    const what = `verdict ${sample.json.verdict}, ${sample.json.students.length} student(s), ${sample.json.recipients.length} recipient(s)`;
    log(`check "${c.label}": ${what}`);
    const run = await oneAndTen(base, staff, c, offset, [5_000, 5_000, 20_000], server);
    const { one, ten } = run;
    offset = run.offset;
    oneConnectionFig("Checks", c.label, one, fl.p50, "floor", what, c.target?.ratio);
    const r10 = ten.p50 / fl.p50;
    fig(
      "Checks",
      `${c.label}: ${CONNECTIONS} connections, ${SIZES.runSeconds} s`,
      `p50 ${ms(ten.p50)}, p99 ${ms(ten.p99)}, ${rate(ten.rps)} checks/s; p50 = ${ratio(r10)} floor (1 in flight), ${ratio(ten.p50 / fl.c10p50)} floor (10 in flight)${cpuNote(ten)}`,
      c.id === "one" ? ">= 300 checks/s" : undefined,
      c.id === "one" ? ten.rps >= 300 : undefined,
    );
    if (c.id === "one") throughputMet = ten.rps >= 300;
  }
  void throughputMet;
}

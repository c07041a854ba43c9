/**
 * Recording checks (issue 15): `POST /api/check` with `mode: "send"` and an Idempotency-Key, as the on-send
 * handler sends it (src/addin/onsend/handler.ts: recipients as Outlook gives them, a correlation id, the
 * purpose), of a 2 KB mail about one student. Such a check does one point read of the student's HEAD row
 * and one insert of the pending record that Sent Items confirms later; its floor (that read plus an insert
 * of a row of the same size, one after the other) is measured in the same run (floor.ts). Two kinds of
 * mail: every request about a different student, and every request about one student. Each on 1 and 10
 * connections; targets: p50 within 2x the floor, at least 300 checks/s at 10 connections.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TableClient } from "@azure/data-tables";
import { checkPartition } from "../server/sendcheck/repository.js";
import { key } from "../server/shared/storage.js";
import { partyDomain, partyOfStudent, type BoardStudent } from "./board.js";
import { cpuNote, MailTemplate, type CheckCase } from "./checks.js";
import { BOARD_TENANT, CONNECTIONS, SIZES, SMOKE, TABLE_PREFIX, root } from "./config.js";
import { readInsertOp } from "./floor.js";
import { fig, log, ms, notes, rate, ratio, ratio2, stats } from "./report.js";
import { call, type ServerChild } from "./server-child.js";

interface RecordingCase extends CheckCase {
  /** Every request about the same student. */
  oneStudent: boolean;
}

export async function runRecording(conn: string, base: string, staff: string, students: BoardStudent[], seeded: number, server?: ServerChild): Promise<void> {
  const active = Math.max(5, Math.min(students.length, seeded));
  const mail = new MailTemplate(2_000, 1);
  // Idempotency-Keys and correlation ids unique to this run (the server derives the check id from the key).
  const run = Date.now().toString(36);
  const body = (i: number, n: number): string =>
    mail.body(
      [students[i % active]?.fullName ?? ""],
      [{ address: `zorg@${partyDomain(partyOfStudent(i % active, SIZES.parties))}`, name: "Zorgpartner", type: "externalUser" }],
      "Overleg over de begeleiding",
      `,"correlationId":"zvbench${run}${n}","mode":"send"`,
    );
  const cases: RecordingCase[] = [
    { id: "rec-many", label: "Recording check (mode send), 2 KB mail, 1 student, different students", oneStudent: false, body: (n: number) => body(n, n) },
    { id: "rec-one", label: "Recording check (mode send), 2 KB mail, 1 student, always the same student", oneStudent: true, body: (n: number) => body(0, n) },
  ]
    // BENCH_RECORDING=rec-one (or rec-many): only that case, e.g. for a CPU profile of it alone.
    .filter((c) => !process.env.BENCH_RECORDING || c.id === process.env.BENCH_RECORDING)
    .map((c) => ({ ...c, headers: (n: number) => ({ "idempotency-key": `zv-send-${run}-${c.id}-${n}` }), target: { ratio: 2 } }));

  // One recording check outside the measurement: it must leave a pending record; its size is the floor's insert.
  const sample = await call<{ verdict: string; checkId: string; stamp?: string; pendingUntil?: string; students: unknown[] }>(
    base,
    staff,
    "POST",
    "/api/check",
    JSON.parse(body(1, 0)),
    { "idempotency-key": `zv-send-${run}-sample` },
  );
  if (sample.status >= 300 || !sample.json.stamp || !sample.json.pendingUntil)
    throw new Error(`recording check: ${sample.status} ${JSON.stringify(sample.json).slice(0, 300)} (expected a stamp and a pending record)`);
  const checks = TableClient.fromConnectionString(conn, `${TABLE_PREFIX}Checks`, { allowInsecureConnection: true });
  const stored = await checks.getEntity<{ data?: string }>(checkPartition(BOARD_TENANT, sample.json.checkId), key(sample.json.checkId));
  const recordChars = typeof stored.data === "string" ? stored.data.length : 0;
  if (recordChars === 0) throw new Error("the pending record of a one-student mail is not a single data string");
  const what = `verdict ${sample.json.verdict}, ${sample.json.students.length} student(s), pending record ${recordChars} chars`;
  // What the one-student case's student gives (its verdict and record may differ from the sample's student).
  const zero = await call<{ verdict: string; checkId: string; students: unknown[] }>(base, staff, "POST", "/api/check", JSON.parse(body(0, 0)), { "idempotency-key": `zv-send-${run}-sample0` });
  const zeroStored = zero.status < 300 ? await checks.getEntity<{ data?: string }>(checkPartition(BOARD_TENANT, zero.json.checkId), key(zero.json.checkId)).catch(() => undefined) : undefined;
  log(`  the same student's check: verdict ${zero.json.verdict}, ${zero.json.students.length} student(s), pending record ${typeof zeroStored?.data === "string" ? zeroStored.data.length : 0} chars`);

  // The floor, the HTTP floor and the check are measured interleaved, so that all three meet the machine
  // and Azurite in the same state: one connection, one request of each in turn (the order rotating); ten
  // connections, windows of a second each in turn. Measured one after the other, the floor alone moved by
  // up to 60% between minutes of one run on this shared 2-core machine (Azurite's heap grows with every
  // row, other work comes and goes), which a ratio of figures taken minutes apart turns into noise.
  const answerChars = JSON.stringify(sample.json).length;
  let offset = 1_000;
  for (const c of cases) {
    const who = c.oneStudent ? "always the same student" : "different students";
    log(`recording check, ${who}: the floor, the HTTP floor and the check, interleaved`);
    const t = performance.now();
    const floorOp = await readInsertOp(conn, active, recordChars, c.oneStudent);
    // The HTTP floor: the same two storage calls behind a bare Express server (http-floor-entry.ts), the
    // same request body and an answer of the check's size: what the HTTP hop itself costs on this machine.
    // Not in the smoke run (npm test runs it; its time is budgeted): the figure is informative, no target.
    const bare = SMOKE ? undefined : await startHttpFloor(conn, active, recordChars, answerChars, c.oneStudent);
    try {
      const ops = { floor: floorOp, check: poster(base, "/api/check", staff, c, offset), ...(bare ? { http: poster(bare.url, "/floor", staff, c, 0) } : {}) };
      offset += 100_000;
      // BENCH_CPU_PROF=cases: the server's CPU profile of this case's measured runs, bench/profiles/<id>.cpuprofile.
      const profiled = server && process.env.BENCH_CPU_PROF === "cases" ? server : undefined;
      const r = await interleaved(ops, server, profiled && { start: () => profiled.profile("start"), stop: () => profiled.profile("stop", path.join(root, "bench", "profiles", `${c.id}.cpuprofile`)) });
      const fl = r.floor;
      const ck = r.check;
      const hf = r.http;
      fig(
        "Floor",
        `Azurite point read + insert of a ${recordChars}-char pending record, ${who} (interleaved with the check)`,
        `1 in flight p50 ${ms(fl.one.p50)}, p99 ${ms(fl.one.p99)}; ${CONNECTIONS} in flight p50 ${ms(fl.ten.p50)}, ${rate(fl.ten.rps)}/s`,
      );
      if (hf)
        fig(
          "Floor",
          `HTTP floor: bare Express (JSON body parsed, point read + insert of ${recordChars} chars, ${answerChars}-char answer), ${who} (interleaved)`,
          `1 connection p50 ${ms(hf.one.p50)}, p99 ${ms(hf.one.p99)}; ${CONNECTIONS} connections p50 ${ms(hf.ten.p50)}, p99 ${ms(hf.ten.p99)}, ${rate(hf.ten.rps)}/s`,
        );
      const r1 = ck.one.p50 / fl.one.p50;
      fig(
        "Recording",
        `${c.label}: 1 connection`,
        `p50 ${ms(ck.one.p50)}, p99 ${ms(ck.one.p99)}; p50 = ${ratio2(r1)} floor (read + insert) (${what}${hf ? `; ${ratio(ck.one.p50 / hf.one.p50)} the HTTP floor` : ""}; ${ck.one.count} checks)${cpuNote(ck.one)}`,
        "p50 <= 2x floor",
        r1 <= 2,
      );
      const r10 = ck.ten.p50 / fl.ten.p50;
      fig(
        "Recording",
        `${c.label}: ${CONNECTIONS} connections, ${WINDOWS} windows of ${WINDOW_SECONDS} s`,
        `p50 ${ms(ck.ten.p50)}, p99 ${ms(ck.ten.p99)}; p50 = ${ratio2(r10)} floor (read + insert, ${CONNECTIONS} in flight), ${ratio(ck.ten.p50 / fl.one.p50)} floor (1 in flight)${hf ? `, ${ratio(ck.ten.p50 / hf.ten.p50)} the HTTP floor` : ""}${cpuNote(ck.ten)}`,
        "p50 <= 2x floor (10 in flight)",
        r10 <= 2,
      );
      fig("Recording", `${c.label}: throughput at ${CONNECTIONS} connections`, `${rate(ck.ten.rps)} checks/s`, ">= 300 checks/s", ck.ten.rps >= 300);
      const bad = Object.values(r).reduce((n, x) => n + (x?.one.failed ?? 0) + (x?.ten.failed ?? 0), 0);
      if (bad > 0) notes.push(`${c.label}: ${bad} failed or non-2xx answers during the interleaved runs`);
    } finally {
      bare?.stop();
    }
    log(`  ${((performance.now() - t) / 1000).toFixed(1)} s, load ${os.loadavg()[0]?.toFixed(1)}`);
  }
}

/** Seconds per window at ten connections, and windows per side (the smoke run: short). */
const WINDOW_SECONDS = SMOKE ? 0.3 : 1;
const WINDOWS = SMOKE ? 1 : SIZES.runSeconds;
/** Seconds of one-connection requests, all sides together (each gets about a third). */
const ONE_SECONDS = SMOKE ? 1 : 3 * SIZES.c1Seconds;

/** One of the measured things: its n-th request. */
type Op = (n: number) => Promise<void>;

interface Measured {
  p50: number;
  p99: number;
  rps: number;
  count: number;
  failed: number;
  cpu?: { user: number; system: number; gc: number };
}

/** POSTs of a case's n-th body (and headers) to `url` + `p`, one keep-alive connection per request in flight; a non-2xx answer throws. */
function poster(url: string, p: string, token: string, c: CheckCase, offset: number): (n: number) => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(p, url);
  return (n) =>
    new Promise<void>((resolve, reject) => {
      const body = c.body(offset + n);
      const req = http.request(
        target,
        {
          method: "POST",
          agent,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), ...c.headers?.(offset + n) },
        },
        (res) => {
          res.resume();
          res.on("end", () => ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
}

/** The answers of one side in one phase: latencies, failures, and (ten connections) the windows' time. */
interface Tally {
  lat: number[];
  failed: number;
  seconds: number;
}

/**
 * The floor, the check and (when given) the HTTP floor measured in turn: a warm-up, then one request at
 * a time (each iteration one request of every side, the order rotating) for ONE_SECONDS, then WINDOWS
 * windows of WINDOW_SECONDS per side with CONNECTIONS requests in flight (the sides' windows in turn).
 * The server's CPU time is counted over each phase: only the check's requests reach the server (the floor
 * goes to Azurite, the HTTP floor to its own process), so the phase's CPU over its checks is the check's.
 */
async function interleaved(
  ops: { floor: Op; check: Op; http?: Op },
  server?: ServerChild,
  profile?: { start(): Promise<void>; stop(): Promise<void> },
): Promise<{ floor: { one: Measured; ten: Measured }; check: { one: Measured; ten: Measured }; http?: { one: Measured; ten: Measured } }> {
  const tally = (): Tally => ({ lat: [], failed: 0, seconds: 0 });
  const sides = [
    { name: "floor", op: ops.floor, n: 0, one: tally(), ten: tally() },
    ...(ops.http ? [{ name: "http", op: ops.http, n: 0, one: tally(), ten: tally() }] : []),
    { name: "check", op: ops.check, n: 0, one: tally(), ten: tally() },
  ];
  type Track = (typeof sides)[number];
  const timed = async (s: Track, into: Tally): Promise<void> => {
    const t = performance.now();
    try {
      await s.op(s.n++);
      into.lat.push(performance.now() - t);
    } catch {
      into.failed++;
    }
  };
  const window = async (s: Track, seconds: number, into: Tally): Promise<void> => {
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) await timed(s, into);
      }),
    );
    into.seconds += (performance.now() - t0) / 1000;
  };
  const cpuOf = async (work: () => Promise<void>): Promise<{ user: number; system: number; gc: number } | undefined> => {
    const before = server ? await server.cpuMs() : undefined;
    await work();
    if (!server || !before) return undefined;
    const after = await server.cpuMs();
    return { user: after.user - before.user, system: after.system - before.system, gc: after.gc - before.gc };
  };
  const turn = (round: number): Track[] => sides.map((_, k) => sides[(round + k) % sides.length] as Track);

  // Warm-up: a second of each at ten in flight (connections, JIT, caches), as the other check cases have.
  for (const s of sides) await window(s, SMOKE ? 0.2 : 1, tally());
  await profile?.start();
  const check = sides[sides.length - 1] as Track;
  // One connection: every side once per iteration, the order rotating; at least three answered checks
  // (a loaded machine), unless the checks fail: then the figures say so.
  const cpuOne = await cpuOf(async () => {
    const until = performance.now() + ONE_SECONDS * 1000;
    for (let i = 0; performance.now() < until || (check.one.lat.length < 3 && check.one.failed < 50); i++) for (const s of turn(i)) await timed(s, s.one);
  });
  // Ten connections: windows in turn.
  const cpuTen = await cpuOf(async () => {
    for (let w = 0; w < WINDOWS; w++) for (const s of turn(w)) await window(s, WINDOW_SECONDS, s.ten);
  });
  await profile?.stop();

  const measured = (t: Tally, cpu?: { user: number; system: number; gc: number }): Measured => {
    const st = stats(t.lat);
    const answers = Math.max(1, t.lat.length + t.failed);
    return {
      p50: st.p50,
      p99: st.p99,
      rps: t.seconds > 0 ? t.lat.length / t.seconds : 0,
      count: t.lat.length,
      failed: t.failed,
      ...(cpu ? { cpu: { user: cpu.user / answers, system: cpu.system / answers, gc: cpu.gc / answers } } : {}),
    };
  };
  const of = (s: Track, cpu?: { one?: typeof cpuOne; ten?: typeof cpuTen }) => ({ one: measured(s.one, cpu?.one), ten: measured(s.ten, cpu?.ten) });
  const http = sides.find((s) => s.name === "http");
  return { floor: of(sides[0] as Track), check: of(check, { one: cpuOne, ten: cpuTen }), ...(http ? { http: of(http) } : {}) };
}

/** The HTTP floor's server (http-floor-entry.ts) in a process of its own, as the check's server runs. */
export async function startHttpFloor(conn: string, students: number, recordChars: number, answerChars: number, oneStudent: boolean): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench", "http-floor-entry.ts")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: {
      ...process.env,
      STORAGE_CONNECTION_STRING: conn,
      FLOOR_STUDENTS: String(students),
      FLOOR_RECORD_CHARS: String(recordChars),
      FLOOR_ANSWER_CHARS: String(answerChars),
      FLOOR_ONE_STUDENT: oneStudent ? "1" : "0",
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: unknown) => {
      if (typeof m === "object" && m !== null && "url" in m && typeof m.url === "string") resolve(m.url);
      else reject(new Error("HTTP floor: unexpected message"));
    });
    child.once("exit", (code) => reject(new Error(`HTTP floor exited (${code})`)));
  });
  return {
    url,
    stop: () => {
      child.send("stop");
    },
  };
}

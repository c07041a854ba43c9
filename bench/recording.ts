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
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TableClient } from "@azure/data-tables";
import { checkPartition } from "../server/sendcheck/repository.js";
import { key } from "../server/shared/storage.js";
import { partyDomain, partyOfStudent, type BoardStudent } from "./board.js";
import { cpuNote, MailTemplate, oneAndTen, oneConnectionFig, type CheckCase, type LoadResult } from "./checks.js";
import { BOARD_TENANT, CONNECTIONS, SIZES, SMOKE, TABLE_PREFIX, root } from "./config.js";
import { readInsertFloor } from "./floor.js";
import { fig, log, ms, rate, ratio } from "./report.js";
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

  // Each case's floors are measured just before the case, on Azurite as the case finds it (every case and
  // floor adds thousands of rows to the emulator's memory, so floors taken first would favour later cases).
  const answerChars = JSON.stringify(sample.json).length;
  let offset = 1_000;
  for (const c of cases) {
    const who = c.oneStudent ? "always the same student" : "different students";
    log(`recording-check floor (${who}): HEAD point read + insert of a pending record`);
    const fl = await readInsertFloor(conn, active, recordChars, c.oneStudent);
    fig("Floor", `Azurite point read + insert of a ${recordChars}-char pending record, ${who}`, `1 in flight p50 ${ms(fl.p50)}, p99 ${ms(fl.p99)}; 10 in flight p50 ${ms(fl.c10p50)}`);
    // The HTTP floor: the same two storage calls behind a bare Express server (http-floor-entry.ts), the
    // same request body and an answer of the check's size: what the HTTP hop itself costs on this machine.
    // Not in the smoke run (npm test runs it; its time is budgeted): the figure is informative, no target.
    let hf: { one: LoadResult; ten: LoadResult } | undefined;
    if (!SMOKE) {
      const bare = await startHttpFloor(conn, active, recordChars, answerChars, c.oneStudent);
      try {
        hf = await oneAndTen(bare.url, staff, { ...c, id: `${c.id}-http-floor`, path: "/floor" }, 0, [100_000, 100_000, 100_000]);
        fig(
          "Floor",
          `HTTP floor: bare Express (JSON body parsed, point read + insert of ${recordChars} chars, ${answerChars}-char answer), ${who}`,
          `1 connection p50 ${ms(hf.one.p50)}, p99 ${ms(hf.one.p99)}; ${CONNECTIONS} connections p50 ${ms(hf.ten.p50)}, p99 ${ms(hf.ten.p99)}, ${rate(hf.ten.rps)}/s`,
        );
      } finally {
        bare.stop();
      }
    }
    log(`check "${c.label}": ${what}`);
    const t = performance.now();
    const run = await oneAndTen(base, staff, c, offset, [100_000, 100_000, 100_000], server);
    const { one, ten } = run;
    offset = run.offset;
    oneConnectionFig("Recording", c.label, one, fl.p50, "floor (read + insert)", hf ? `${what}; ${ratio(one.p50 / hf.one.p50)} the HTTP floor` : what, 2);
    const r10 = ten.p50 / fl.c10p50;
    fig(
      "Recording",
      `${c.label}: ${CONNECTIONS} connections, ${SIZES.runSeconds} s`,
      `p50 ${ms(ten.p50)}, p99 ${ms(ten.p99)}; p50 = ${ratio(r10)} floor (read + insert, 10 in flight), ${ratio(ten.p50 / fl.p50)} floor (1 in flight)${hf ? `, ${ratio(ten.p50 / hf.ten.p50)} the HTTP floor (${rate(hf.ten.rps)}/s)` : ""}${cpuNote(ten)}`,
      "p50 <= 2x floor (10 in flight)",
      r10 <= 2,
    );
    fig("Recording", `${c.label}: throughput at ${CONNECTIONS} connections`, `${rate(ten.rps)} checks/s`, ">= 300 checks/s", ten.rps >= 300);
    log(`  ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
}

/** The HTTP floor's server (http-floor-entry.ts) in a process of its own, as the check's server runs. */
export async function startHttpFloor(conn: string, students: number, recordChars: number, answerChars: number, oneStudent: boolean): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench", "http-floor-entry.ts")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: {
      ...process.env,
      STORAGE_CONNECTION_STRING: conn,
      FLOOR_TABLE_PREFIX: TABLE_PREFIX,
      FLOOR_TENANT: BOARD_TENANT,
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

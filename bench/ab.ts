/**
 * BENCH_SERVER_BASELINE=<dir>: the check cases against two servers in one run, alternating, on the same
 * Azurite and the same tables (the board imported once): `<dir>` holds an earlier checkout of the
 * project (e.g. `git archive <commit> | tar -x -C <dir>`, with node_modules linked and this checkout's
 * bench/server-entry.ts copied in, which answers the CPU and profile messages), the current code is
 * the other. Each round runs every case on both servers (the order swapped every round), 1 connection
 * and 10 connections as bench/checks.ts does, with the server's CPU time per check. The floors are
 * measured in the same run (floor.ts), and for the recording cases the HTTP floor (http-floor-entry.ts:
 * the same body, read, insert and answer size behind a bare Express route) takes its turn beside them.
 * What changed between the two is then seen under the same load.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { partyDomain, partyOfStudent, type BoardStudent } from "./board.js";
import { cpuNote, MailTemplate, oneAndTen, type CheckCase } from "./checks.js";
import { SIZES } from "./config.js";
import { floor, readInsertFloor } from "./floor.js";
import { fig, log, ms, rate, ratio } from "./report.js";
import type { ServerChild } from "./server-child.js";
import { startHttpFloor } from "./recording.js";

export interface Side {
  label: string;
  server: ServerChild;
  staff: string;
}

export async function runAB(conn: string, sides: Side[], students: BoardStudent[], seeded: number): Promise<void> {
  const active = Math.max(5, Math.min(students.length, seeded));
  const mail = new MailTemplate(2_000, 1);
  const run = Date.now().toString(36);
  const name = (i: number): string => students[i % active]?.fullName ?? "";
  const to = (i: number) => [{ address: `zorg@${partyDomain(partyOfStudent(i % active, SIZES.parties))}`, name: "Zorgpartner", type: "externalUser" }];
  const cases = (side: string): CheckCase[] => [
    { id: "one", label: "query check, 2 KB mail, 1 student", body: (n) => mail.body([name(n)], [`zorg@${partyDomain(partyOfStudent(n % active, SIZES.parties))}`], "Overleg over de begeleiding") },
    {
      id: "rec-many",
      label: "recording check, different students",
      body: (n) => mail.body([name(n)], to(n), "Overleg over de begeleiding", `,"correlationId":"zvab${run}${n}","mode":"send"`),
      headers: (n) => ({ "idempotency-key": `zv-ab-${run}-${side}-many-${n}` }),
    },
    {
      id: "rec-one",
      label: "recording check, always the same student",
      body: (n) => mail.body([name(0)], to(0), "Overleg over de begeleiding", `,"correlationId":"zvab${run}${n}","mode":"send"`),
      headers: (n) => ({ "idempotency-key": `zv-ab-${run}-${side}-one-${n}` }),
    },
  ];
  const point = await floor(conn, active);
  const readInsert = await readInsertFloor(conn, active, 1_695, false);
  fig("A/B", "floor: point read", `1 in flight p50 ${ms(point.p50)}; 10 in flight p50 ${ms(point.c10p50)}`);
  fig("A/B", "floor: point read + insert of 1,695 chars", `1 in flight p50 ${ms(readInsert.p50)}; 10 in flight p50 ${ms(readInsert.c10p50)}`);
  const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 2);
  let offset = 10_000;
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (let k = 0; k < 3; k++) {
      for (const side of order) {
        const c = cases(side.label)[k];
        if (!c) continue;
        const fl = c.id === "one" ? point : readInsert;
        const t = performance.now();
        const r = await oneAndTen(side.server.url, side.staff, c, offset, [50_000, 50_000, 50_000], side.server);
        offset = r.offset;
        fig(
          "A/B",
          `round ${round}, ${c.label}, ${side.label}`,
          `1 conn p50 ${ms(r.one.p50)} = ${ratio(r.one.p50 / fl.p50)} floor${cpuNote(r.one)} | 10 conn p50 ${ms(r.ten.p50)} = ${ratio(r.ten.p50 / fl.c10p50)} floor, p99 ${ms(r.ten.p99)}, ${rate(r.ten.rps)}/s${cpuNote(r.ten)} | load ${os.loadavg()[0]?.toFixed(1)}`,
        );
        log(`  ${side.label} ${c.id}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
      // The HTTP floor of a recording case, in the same round.
      const c = cases("floor")[k];
      if (!c || c.id === "one") continue;
      const bare = await startHttpFloor(conn, active, 1_695, 983, c.id === "rec-one");
      try {
        const r = await oneAndTen(bare.url, "", { ...c, path: "/floor" }, offset, [50_000, 50_000, 50_000]);
        offset = r.offset;
        fig(
          "A/B",
          `round ${round}, ${c.label}, HTTP floor`,
          `1 conn p50 ${ms(r.one.p50)} = ${ratio(r.one.p50 / readInsert.p50)} floor | 10 conn p50 ${ms(r.ten.p50)} = ${ratio(r.ten.p50 / readInsert.c10p50)} floor, p99 ${ms(r.ten.p99)}, ${rate(r.ten.rps)}/s | load ${os.loadavg()[0]?.toFixed(1)}`,
        );
      } finally {
        bare.stop();
      }
    }
  }
}

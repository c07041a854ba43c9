/**
 * Floor: what the storage itself costs. One Azurite point read of a register's HEAD row (the check's own
 * read is such a read), 1 and 10 in flight, and a whole register partition for comparison; and the floor
 * of a recording check (readInsertFloor: that read plus one insert of a pending record, bench/recording.ts).
 */
import { performance } from "node:perf_hooks";
import { TableClient } from "@azure/data-tables";
import { key } from "../server/shared/storage.js";
import type { RegisterRepository } from "../server/register/repository.js";
import { checkPartition } from "../server/sendcheck/repository.js";
import { studentId } from "./board.js";
import { BOARD_TENANT, CONNECTIONS, SIZES, SMOKE, TABLE_PREFIX } from "./config.js";
import { fig, log, ms, ratio, stats } from "./report.js";

export interface Floor {
  p50: number;
  p99: number;
  /** p50 with 10 in flight. */
  c10p50: number;
}

/** `op(i)` timed: `warmUp` calls, `reads` one after the other, then 10 in flight for a while (as the checks run). */
async function measure(op: (i: number) => Promise<unknown>, reads: number, warmUp = 200): Promise<Floor> {
  const timed = async (i: number): Promise<number> => {
    const t = performance.now();
    await op(i);
    return performance.now() - t;
  };
  for (let i = 0; i < warmUp; i++) await timed(i * 7);
  const lat: number[] = [];
  for (let i = 0; i < reads; i++) lat.push(await timed(i * 13));
  const s = stats(lat);
  const c10: number[] = [];
  const until = performance.now() + (SMOKE ? 500 : 2000);
  let n = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) c10.push(await timed(n++ * 17));
    }),
  );
  return { p50: s.p50, p99: s.p99, c10p50: stats(c10).p50 };
}

/** The floor: one Azurite point read of a register's HEAD row, from this process (the check's own read is such a read). */
export function floor(conn: string, students: number): Promise<Floor> {
  const client = TableClient.fromConnectionString(conn, `${TABLE_PREFIX}Events`, { allowInsecureConnection: true });
  return measure((i) => client.getEntity(key(BOARD_TENANT, studentId(i % students)), "HEAD"), SIZES.floorReads);
}

/**
 * The floor of a recording check (mode send) of a one-student mail: one point read of a HEAD row, then
 * one insert of a `recordChars`-character row (as the pending record is stored: one `data` string and its
 * indexed properties, in the partition the check's record would have: checkPartition), one after the other
 * as the check does them. The rows go to a table of their own, so
 * that the server never reads them as pending records.
 * `oneStudent`: every read is of the same student's HEAD row.
 */
export async function readInsertFloor(conn: string, students: number, recordChars: number, oneStudent: boolean): Promise<Floor> {
  return measure(await readInsertOp(conn, students, recordChars, oneStudent), SMOKE ? 60 : 1_000, SMOKE ? 20 : 200);
}

/**
 * The floor's one operation (see readInsertFloor), for measuring it beside other work (bench/recording.ts)
 * and behind the HTTP floor's bare route (http-floor-entry.ts); `label` starts its row keys.
 */
export async function readInsertOp(conn: string, students: number, recordChars: number, oneStudent: boolean, label = "floor"): Promise<(i: number) => Promise<void>> {
  const events = TableClient.fromConnectionString(conn, `${TABLE_PREFIX}Events`, { allowInsecureConnection: true });
  const checks = TableClient.fromConnectionString(conn, `${TABLE_PREFIX}FloorChecks`, { allowInsecureConnection: true });
  await checks.createTable();
  const data = "x".repeat(recordChars);
  const run = `${label}${oneStudent ? "1" : "n"}${Date.now().toString(36)}`;
  let row = 0;
  const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  return async (i) => {
    await events.getEntity(key(BOARD_TENANT, studentId(oneStudent ? 0 : i % students)), "HEAD");
    const rowKey = `${run}_${row++}`;
    await checks.createEntity({ partitionKey: checkPartition(BOARD_TENANT, rowKey), rowKey, state: "pending", sentBy: "mentor@bestuur", expiresAt, data });
  };
}

/** The Floor figures, over the first `seeded` students' registers; returns the floor the checks compare with. */
export async function runFloor(conn: string, repo: RegisterRepository, seeded: number): Promise<Floor> {
  log("storage floor: TableClient.getEntity of a register HEAD row");
  const fl = await floor(conn, Math.max(1, seeded));
  const partLat: number[] = [];
  for (let i = 0; i < (SMOKE ? 100 : 300); i++) {
    const tq = performance.now();
    await repo.read(BOARD_TENANT, studentId((i * 31) % Math.max(1, seeded)));
    partLat.push(performance.now() - tq);
  }
  const part = stats(partLat);
  fig("Floor", "Azurite point read of a register HEAD row (getEntity), 1 in flight", `p50 ${ms(fl.p50)}, p99 ${ms(fl.p99)}`);
  fig("Floor", "Azurite point read, 10 in flight", `p50 ${ms(fl.c10p50)}`);
  fig("Floor", "Whole register partition (query by PartitionKey: the register view, not the check), 1 in flight", `p50 ${ms(part.p50)}, p99 ${ms(part.p99)} = ${ratio(part.p50 / fl.p50)} the point read`);
  return fl;
}

/**
 * Floor: what the storage itself costs. One Azurite point read of a register's HEAD row (the check's own
 * read is such a read), 1 and 10 in flight, and a whole register partition for comparison.
 */
import { performance } from "node:perf_hooks";
import { TableClient } from "@azure/data-tables";
import { key } from "../server/shared/storage.js";
import type { RegisterRepository } from "../server/register/repository.js";
import { studentId } from "./board.js";
import { BOARD_TENANT, CONNECTIONS, SIZES, SMOKE, TABLE_PREFIX } from "./config.js";
import { fig, log, ms, ratio, stats } from "./report.js";

/** The floor: one Azurite point read of a register's HEAD row, from this process (the check's own read is such a read). */
export async function floor(conn: string, students: number): Promise<{ p50: number; p99: number; c10p50: number }> {
  const client = TableClient.fromConnectionString(conn, `${TABLE_PREFIX}Events`, { allowInsecureConnection: true });
  const read = async (i: number): Promise<number> => {
    const t = performance.now();
    await client.getEntity(key(BOARD_TENANT, studentId(i % students)), "HEAD");
    return performance.now() - t;
  };
  for (let i = 0; i < 200; i++) await read(i * 7);
  const lat: number[] = [];
  for (let i = 0; i < SIZES.floorReads; i++) lat.push(await read(i * 13));
  const s = stats(lat);
  // The same read with 10 in flight, as the checks run.
  const c10: number[] = [];
  const until = performance.now() + (SMOKE ? 500 : 2000);
  let n = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) c10.push(await read(n++ * 17));
    }),
  );
  return { p50: s.p50, p99: s.p99, c10p50: stats(c10).p50 };
}

/** The Floor figures, over the first `seeded` students' registers; returns the floor the checks compare with. */
export async function runFloor(conn: string, repo: RegisterRepository, seeded: number): Promise<{ p50: number; p99: number; c10p50: number }> {
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

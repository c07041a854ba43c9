import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startStack, type Stack } from "../support/stack.js";
import { AzuriteProcess, freePort } from "../../server/shared/azurite.js";
import type { Storage, TableName } from "../../server/shared/storage.js";
import { leaver, paperConsent } from "./support.js";

/** Azurite (persisted) saves its database every 5 s; wait past that so acknowledged writes survive a kill. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 6000));

/** Kills the emulator (SIGKILL) just before the n-th storage call on `table`. */
function killBefore(storage: Storage, azurite: AzuriteProcess, table: TableName, n: number): { restore(): void; killed(): boolean } {
  const original = storage.run.bind(storage);
  let count = 0;
  let killed = false;
  storage.run = (async (name, op) => {
    if (name === table && ++count === n) {
      killed = true;
      await azurite.stop(true);
    }
    return original(name, op);
  }) as Storage["run"];
  return { restore: () => (storage.run = original), killed: () => killed };
}

describe("Faults: the storage emulator dies in the middle of a write", function () {
  this.timeout(120_000);
  let dir: string;
  let azurite: AzuriteProcess;
  let stack: Stack;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "zv-fault-"));
    azurite = new AzuriteProcess({ location: dir, port: await freePort() });
    await azurite.start();
    stack = await startStack({ azurite, env: { STORAGE_TIMEOUT_MS: "3000" } });
    await settle();
  });
  after(async () => {
    await stack.stop();
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("When Azurite is killed in the middle of an import and restarted, then the retry with the same key completes it once: no partial or duplicated record", async () => {
    const students = Array.from({ length: 350 }, (_, i) => leaver(`flt-${String(i).padStart(3, "0")}`, undefined));
    const h = { headers: { "idempotency-key": "import-fault-1" } };
    const before = (await stack.api<{ students: unknown[] }>("GET", "/api/students?limit=20000")).json.students.length;
    // Students: call 1 lists what exists, calls 2..5 write batches of 100; die before the second batch.
    const k = killBefore(stack.running.storage, azurite, "Students", 3);
    const failed = await stack.api<{ error: { code: string } }>("POST", "/api/import", { students }, h);
    k.restore();
    assert.equal(k.killed(), true);
    assert.equal(failed.status, 503);
    assert.equal(failed.json.error.code, "STORAGE_UNAVAILABLE");
    await azurite.start();

    const retry = await stack.api<{ students: { created: number; unchanged: number; updated: number } }>("POST", "/api/import", { students }, h);
    assert.equal(retry.status, 200, JSON.stringify(retry.json));
    assert.equal(retry.json.students.created + retry.json.students.unchanged, 350);
    assert.equal(retry.json.students.updated, 0);
    const again = await stack.api("POST", "/api/import", { students }, h);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(again.json, retry.json);
    const list = (await stack.api<{ students: { id: string }[] }>("GET", "/api/students?limit=20000")).json.students;
    assert.equal(list.length, before + 350);
    assert.equal(new Set(list.map((s) => s.id)).size, list.length);
    assert.equal((await stack.api<{ ok: boolean }>("GET", "/api/audit/verify")).json.ok, true);
    await settle();
  });

  it("When Azurite is killed just before a consent is written and restarted, then the retry with the same key records it exactly once and every chain verifies", async () => {
    const repo = stack.running.services.registerRepo;
    const before = (await repo.read(stack.tenantId, "flt-001")).events.length;
    const body = paperConsent("flt-001", "2016-09-01T10:00:00Z");
    const h = { headers: { "idempotency-key": "consent-fault-1" } };
    // Events: call 1 reads the chain, call 2 is the transaction (HEAD + event).
    const k = killBefore(stack.running.storage, azurite, "Events", 2);
    const failed = await stack.api<{ error: { code: string } }>("POST", "/api/consents", body, h);
    k.restore();
    assert.equal(k.killed(), true);
    assert.equal(failed.status, 503);
    await azurite.start();

    const retry = await stack.api<{ id: string }>("POST", "/api/consents", body, h);
    assert.equal(retry.status, 201, JSON.stringify(retry.json));
    const again = await stack.api<{ id: string }>("POST", "/api/consents", body, h);
    assert.equal(again.status, 201);
    assert.equal(again.json.id, retry.json.id);
    assert.equal((await repo.read(stack.tenantId, "flt-001")).events.length, before + 1);
    const verify = await stack.api<{ ok: boolean; problems: unknown[] }>("GET", "/api/audit/verify");
    assert.deepEqual([verify.json.ok, verify.json.problems], [true, []]);
  });
});

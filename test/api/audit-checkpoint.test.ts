import assert from "node:assert/strict";
import { BlobServiceClient } from "@azure/storage-blob";
import { startStack, type Stack } from "../support/stack.js";
import { FakeClock } from "../support/fake-clock.js";
import { grant, importStudent, tableClient } from "../support/api-helpers.js";
import { scheduleAuditedCheckpoints } from "../../server/main.js";
import type { AuditStatus } from "../../contract/admin.js";
import type { RegisterEvent } from "../../server/register/domain.js";

/**
 * Issue 16, item 3: the scheduled checkpoint (the same wiring main.ts starts, driven by a fake clock)
 * audits the register first. A passing audit writes a signed checkpoint to Blob Storage; after a
 * chain is tampered with (straight through the Table API), the audit fails, no checkpoint is written
 * (the last good one stays the reference, so the tampering is never anchored), and
 * GET /api/audit/status says failed.
 */
describe("Scheduled checkpoint after the audit", function () {
  let stack: Stack;
  let stop: (() => void) | undefined;
  const clock = new FakeClock();
  before(async () => {
    stack = await startStack({ env: { CHECKPOINT_INTERVAL_SECONDS: "0" } });
    stop = scheduleAuditedCheckpoints(stack.running.services, 1000, stack.running.log, clock);
  });
  after(async () => {
    stop?.();
    await stack.stop();
  });

  /** The tenant's checkpoint blobs (names sort newest first). */
  const checkpoints = async (): Promise<string[]> => {
    const containerName = `${stack.running.storage.tableName("Events").replace(/Events$/, "").toLowerCase()}-checkpoints`;
    const container = BlobServiceClient.fromConnectionString(stack.running.storage.connection).getContainerClient(containerName);
    if (!(await container.exists())) return [];
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: `${stack.tenantId}/` })) names.push(b.name);
    return names;
  };
  const status = async (): Promise<AuditStatus> => {
    const r = await stack.api<AuditStatus>("GET", "/api/audit/status");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };

  it("When the register is untouched, then the scheduled run audits it, writes one signed checkpoint, and the status says ok", async () => {
    assert.equal((await status()).state, "unchecked");
    assert.deepEqual(await checkpoints(), []);
    await clock.runAt(new Date());
    const names = await checkpoints();
    assert.equal(names.length, 1);
    const last = await stack.running.services.checkpoints.latest(stack.tenantId);
    assert.equal(last.signatureValid, true);
    assert.ok((last.checkpoint?.chains ?? 0) >= 7, "the seeded chains are anchored");
    const s = await status();
    assert.equal(s.state, "ok");
    assert.deepEqual(s.problems, {});
    // A second passing run adds a checkpoint (append-only: the first stays).
    await clock.runAt(new Date());
    const after = await checkpoints();
    assert.equal(after.length, 2);
    assert.ok(after.includes(names[0] ?? "?"));
  });

  it("When a chain is tampered with, then the scheduled run's audit fails, no new checkpoint is written, the last good one stays the newest, and GET /api/audit/status says failed", async () => {
    const s = await importStudent(stack);
    await grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: "2026-09-01T08:00:00Z" });
    await clock.runAt(new Date());
    const before = await checkpoints();
    const good = await stack.running.services.checkpoints.latest(stack.tenantId);
    assert.ok(good.checkpoint?.heads.some((h) => h.studentId === s.id), "the student's chain is anchored");
    assert.equal((await status()).state, "ok");
    // The attack: the consent's data rewritten in the table (its party changed).
    const events = tableClient(stack, "Events");
    const pk = `${stack.tenantId}|${s.id}`;
    const row = await events.getEntity<{ data: string }>(pk, "0000000001");
    const e = JSON.parse(row.data) as RegisterEvent;
    await events.updateEntity({ partitionKey: pk, rowKey: "0000000001", data: JSON.stringify({ ...e, partyId: "inspectie" }) }, "Merge");

    await clock.runAt(new Date());
    assert.deepEqual(await checkpoints(), before, "a failed audit writes no checkpoint");
    const latest = await stack.running.services.checkpoints.latest(stack.tenantId);
    assert.equal(latest.checkpoint?.at, good.checkpoint?.at, "the last good checkpoint stays the reference");
    const st = await status();
    assert.equal(st.state, "failed");
    assert.equal(st.problems["hash-mismatch"], 1, JSON.stringify(st.problems));
    assert.ok(stack.logs.some((l) => l.includes("register audit failed")), "logged at error level");
    assert.ok(!stack.logs.some((l) => l.includes("register audit failed") && l.includes(s.id)), "the log names no student");
    // Every later run stays failed and writes nothing, until the chain is whole again.
    await clock.runAt(new Date());
    assert.deepEqual(await checkpoints(), before);
    await events.updateEntity({ partitionKey: pk, rowKey: "0000000001", data: row.data }, "Merge");
    await clock.runAt(new Date());
    assert.equal((await checkpoints()).length, before.length + 1);
    assert.equal((await status()).state, "ok");
  });
});

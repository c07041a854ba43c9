import assert from "node:assert/strict";
import { headSealText } from "../../server/register/integrity.js";
import { useStack } from "../support/stack.js";
import { key, type Storage } from "../../server/shared/storage.js";
import { CheckRepository, checkPartition } from "../../server/sendcheck/repository.js";

/** Runs `work` while counting the storage operations the server makes, by wrapping Storage.run of the running server. */
async function whileCounting(storage: Storage, work: (calls: string[]) => Promise<void>): Promise<void> {
  const calls: string[] = [];
  const original = storage.run.bind(storage);
  storage.run = ((name, op) => {
    calls.push(name);
    return original(name, op);
  }) as Storage["run"];
  try {
    await work(calls);
  } finally {
    storage.run = original;
  }
}

describe("Storage round trips of the send check", function () {
  const stack = useStack();
  before(async () => {
    // Warm the directory cache: the check itself must not read the directory.
    await stack.api("POST", "/api/check", { to: ["a@regenboog.school.example"], subject: "x", body: "" });
  });

  const send = (body: Record<string, unknown>, key: string) =>
    stack.api<{ verdict: string; students: unknown[] }>("POST", "/api/check", { ...body, mode: "send" }, { headers: { "idempotency-key": key } });

  it("When a task pane query about one student is allowed, then the check costs k = 1 storage round trip and writes nothing", async () => {
    await whileCounting(stack.running.storage, async (calls) => {
    const r = await stack.api<{ verdict: string }>("POST", "/api/check", {
      to: ["jgz@ggd-voorbeeldregio.example"],
      subject: "Verslag Jan de Vries",
      body: "",
    });
    assert.equal(r.json.verdict, "allow");
    assert.deepEqual(calls, ["Events"]);
    });
  });

  it("When the on-send check of a mail about one student is allowed, then it costs k+1 = 2 round trips: the HEAD read and the one insert of the pending record", async () => {
    await whileCounting(stack.running.storage, async (calls) => {
    const r = await send({ to: ["jgz@ggd-voorbeeldregio.example"], subject: "Verslag Jan de Vries", body: "" }, "rt-1");
    assert.equal(r.json.verdict, "allow");
    assert.deepEqual(calls.sort(), ["Checks", "Events"]);
    });
  });

  it("When the on-send check of a mail about three students is blocked, then it costs k+1 = 4 storage round trips", async () => {
    await whileCounting(stack.running.storage, async (calls) => {
    const r = await send({ to: ["onbekend@elders.example"], subject: "Jan de Vries, Daan Jansen en Lotte Visser", body: "" }, "rt-2");
    assert.equal(r.json.verdict, "block");
    assert.equal(r.json.students.length, 3);
    assert.equal(calls.length, 4);
    assert.equal(calls.filter((t) => t === "Events").length, 3);
    assert.equal(calls.filter((t) => t === "Checks").length, 1);
    });
  });

  it("When a head row has no state (too large to keep), then the check reads the whole partition and decides the same", async () => {
    const pk = `${stack.tenantId}|lln-001`;
    const table = stack.running.storage.client("Events");
    const head = await table.getEntity<{ seq: number; hash: string }>(pk, "HEAD");
    // What the repository writes for a state too large to keep: no state, the MAC over "no state".
    const seal = stack.running.services.registerRepo.keys.seal("head", headSealText(pk, head.seq, head.hash, undefined));
    await table.updateEntity({ partitionKey: pk, rowKey: "HEAD", seq: head.seq, hash: head.hash, stateOmitted: true, mac: seal.mac, macKeyId: seal.keyId }, "Replace");
    await whileCounting(stack.running.storage, async (calls) => {
    const r = await stack.api<{ verdict: string }>("POST", "/api/check", { to: ["jgz@ggd-voorbeeldregio.example"], subject: "Jan de Vries", body: "" });
    assert.equal(r.json.verdict, "allow");
    // HEAD point read, then the partition query; a query appends nothing.
    assert.deepEqual(calls, ["Events", "Events"]);
    });
    const verify = await stack.api<{ ok: boolean }>("GET", "/api/audit/verify");
    assert.equal(verify.json.ok, true);
  });

  it("When a mail is about nobody, then the check makes no storage call at all", async () => {
    await whileCounting(stack.running.storage, async (calls) => {
    const r = await stack.api<{ verdict: string }>("POST", "/api/check", { to: ["x@elders.example"], subject: "Vergadering", body: "Tot dinsdag" });
    assert.equal(r.json.verdict, "allow");
    assert.deepEqual(calls, []);
    });
  });
});

describe("Where check records are kept", function () {
  const stack = useStack();
  const send = (n: number) =>
    stack.api<{ checkId: string; verdict: string }>(
      "POST",
      "/api/check",
      { to: ["jgz@ggd-voorbeeldregio.example"], subject: `Verslag Jan de Vries ${n}`, body: "", mode: "send" },
      { headers: { "idempotency-key": `spread-${n}` } },
    );

  it("When many on-send checks are recorded, then their records spread over the tenant's partitions, so that no partition grows with all the board's mail", async () => {
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push((await send(n)).json.checkId);
    const t = key(stack.tenantId);
    const partitions = new Map<string, number>();
    for await (const e of stack.running.storage.client("Checks").listEntities({ queryOptions: { filter: `PartitionKey ge '${t}' and PartitionKey lt '${t}~'`, select: ["PartitionKey", "RowKey"] } })) {
      const pk = String(e.partitionKey);
      partitions.set(pk, (partitions.get(pk) ?? 0) + 1);
    }
    for (const id of ids) assert.ok(partitions.has(checkPartition(stack.tenantId, id)));
    assert.ok(!partitions.has(t), "nothing in the tenant's own partition");
    assert.ok(partitions.size >= 15, `40 records over ${partitions.size} partitions`);
    assert.ok(Math.max(...partitions.values()) <= 8, `at most ${Math.max(...partitions.values())} in one partition`);
  });

  it("When a pending record was stored before the buckets (in the tenant's own partition), then it is still read, listed as pending, replaced where it is and purged", async () => {
    const { checkId } = (await send(100)).json;
    const repo = new CheckRepository(stack.running.storage);
    const table = stack.running.storage.client("Checks");
    // Move the record to where an earlier version stored it.
    const row = await table.getEntity<Record<string, unknown>>(checkPartition(stack.tenantId, checkId), key(checkId));
    const { etag: _e, timestamp: _t, ...fields } = row;
    await table.createEntity({ ...fields, partitionKey: key(stack.tenantId), rowKey: key(checkId) });
    await table.deleteEntity(checkPartition(stack.tenantId, checkId), key(checkId));

    const got = await repo.get(stack.tenantId, checkId);
    assert.equal(got?.state, "pending");
    assert.ok((await repo.listPending(stack.tenantId)).some((c) => c.checkId === checkId));
    assert.ok(got);
    await repo.replace(stack.tenantId, { ...got, state: "confirmed" });
    assert.equal((await repo.get(stack.tenantId, checkId))?.state, "confirmed");
    assert.equal(await stack.running.storage.getOrUndefined("Checks", checkPartition(stack.tenantId, checkId), key(checkId)), undefined, "not copied into a bucket");
    assert.equal(await repo.purgeWhere(stack.tenantId, (c) => c.checkId === checkId), 1);
    assert.equal(await repo.get(stack.tenantId, checkId), undefined);
  });
});

import assert from "node:assert/strict";
import { headSealText } from "../../server/register/integrity.js";
import { useStack } from "../support/stack.js";
import type { Storage } from "../../server/shared/storage.js";

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

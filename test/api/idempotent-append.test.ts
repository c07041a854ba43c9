import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";

interface Ev {
  id: string;
  type: string;
}

describe("A retried write whose answer was lost", function () {
  const stack = useStack();

  const consent = {
    studentId: "lln-007",
    partyId: "smw",
    purposeId: "smw-begeleiding",
    decision: "granted",
    givenBy: { guardianId: "lln-007-o1" },
    method: "paper",
    givenAt: "2026-11-01T10:00:00Z",
  };

  async function events(studentId: string): Promise<Ev[]> {
    return (await stack.api<{ events: Ev[] }>("GET", `/api/students/${studentId}/register`)).json.events;
  }

  it("When the stored answer is gone but the event was written, then the retry with the same key returns that event and records nothing twice", async () => {
    const before = (await events("lln-007")).length;
    const first = await stack.api<Ev>("POST", "/api/consents", consent, { headers: { "idempotency-key": "lost-answer-1" } });
    assert.equal(first.status, 201);
    // The answer never reached the client and the idempotency record is gone (as after a crash between the
    // event's write and the answer's): remove every idempotency marker of the store.
    const table = stack.running.storage.client("Idempotency");
    for await (const e of table.listEntities()) await table.deleteEntity(String(e.partitionKey), String(e.rowKey));
    const retry = await stack.api<Ev>("POST", "/api/consents", consent, { headers: { "idempotency-key": "lost-answer-1" } });
    assert.equal(retry.status, 201);
    assert.equal(retry.json.id, first.json.id);
    assert.equal((await events("lln-007")).length, before + 1);
  });

  it("When a withdrawal is retried after its answer was lost, then it is not refused as already withdrawn and stays single", async () => {
    const c = await stack.api<Ev>("POST", "/api/consents", { ...consent, studentId: "lln-008", givenBy: { guardianId: "lln-008-o1" } });
    const body = { by: { guardianId: "lln-008-o2" }, at: "2026-11-02T10:00:00Z" };
    const w1 = await stack.api<Ev>("POST", `/api/consents/${c.json.id}/withdraw`, body, { headers: { "idempotency-key": "lost-answer-2" } });
    assert.equal(w1.status, 201);
    const table = stack.running.storage.client("Idempotency");
    for await (const e of table.listEntities()) await table.deleteEntity(String(e.partitionKey), String(e.rowKey));
    const w2 = await stack.api<Ev>("POST", `/api/consents/${c.json.id}/withdraw`, body, { headers: { "idempotency-key": "lost-answer-2" } });
    assert.equal(w2.status, 201);
    assert.equal(w2.json.id, w1.json.id);
    assert.equal((await events("lln-008")).filter((e) => e.type === "withdrawal").length, 1);
    const verify = await stack.api<{ ok: boolean }>("GET", "/api/audit/verify");
    assert.equal(verify.json.ok, true);
  });

  it("When the same consent is posted again without a key, then it is a new event (keys are the client's promise, not guesswork)", async () => {
    const before = (await events("lln-009")).length;
    const body = { ...consent, studentId: "lln-009", givenBy: { guardianId: "lln-009-o1" } };
    await stack.api("POST", "/api/consents", body);
    await stack.api("POST", "/api/consents", body);
    assert.equal((await events("lln-009")).length, before + 2);
  });
});

import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { assertError, check, importStudent, snapshotTables } from "../support/api-helpers.js";
import { recordingCheck } from "../support/sent-items.js";
import type { Breach } from "../../server/sentitems/repository.js";

/**
 * Issue #15 item 8: the data breach register (datalekkenregister, DOMAIN.md section 7) is opened from the
 * review list (test/api/sent-items.test.ts), by hand, and from an override found wrong, over real HTTP and
 * Azurite. The 72 hours run from when the school became aware.
 */

const GGD = "jgz@ggd-voorbeeldregio.example";
const HOUR = 3_600_000;

describe("Data breaches opened by hand and from an override found wrong", function () {
  this.timeout(60_000);
  const stack = useStack();

  it("When a coordinator registers a breach by hand, then it is in the register with the 72 hours from when the school became aware, and in the student's export with the recipient redacted; a future awareness, an unknown student or a staff user change nothing", async () => {
    const s = await importStudent(stack);
    const awareAt = new Date(Date.now() - 2 * HOUR).toISOString();
    const r = await stack.api<Breach>("POST", "/api/breaches", {
      what: "Laptop met het groeidocument in de trein laten liggen",
      studentIds: [s.id],
      recipients: ["Onbekende.Vinder@mail.example"],
      categories: ["groeidocument"],
      awareAt,
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.source, "hand");
    assert.deepEqual(r.json.students, [{ id: s.id, name: s.name }]);
    assert.deepEqual(r.json.recipients, ["onbekende.vinder@mail.example"]);
    assert.equal(r.json.awareAt, awareAt);
    assert.equal(Date.parse(r.json.deadline) - Date.parse(awareAt), 72 * HOUR);
    assert.equal(r.json.recordedBy, "ib@demo");
    const list = await stack.api<{ breaches: Breach[] }>("GET", "/api/breaches");
    assert.ok(list.json.breaches.some((b) => b.id === r.json.id));
    const exp = await stack.api<{ dataBreaches: { what: string }[] }>("GET", `/api/students/${s.id}/export`);
    assert.equal(exp.json.dataBreaches.length, 1);
    assert.ok(!JSON.stringify(exp.json).includes("vinder@mail.example"), "the recipient is redacted");

    const before = await snapshotTables(stack);
    assertError(await stack.api("POST", "/api/breaches", { what: "Nog niet gebeurd", studentIds: [s.id], awareAt: new Date(Date.now() + 24 * HOUR).toISOString() }), 400, "VALIDATION_FAILED");
    assertError(await stack.api("POST", "/api/breaches", { what: "Onbekende leerling", studentIds: ["bestaat-niet"] }), 404, "NOT_FOUND");
    const staff = await stack.token("mentor@demo", ["staff"]);
    assertError(await stack.api("POST", "/api/breaches", { what: "Mentor meldt zelf", studentIds: [s.id] }, { token: staff }), 403, "FORBIDDEN");
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When an override is found wrong, then the breach is opened from its check with the students and the blocked recipients; a check without an override is refused", async () => {
    const s = await importStudent(stack);
    const mail = { to: [GGD], subject: `Verslag ${s.name}`, body: `Over ${s.name}.` };
    const q = await check(stack, mail);
    assert.equal(q.verdict, "block");
    // A query check is not kept (404); the on-send check is kept, but nobody overrode it (422).
    assertError(await stack.api("POST", `/api/checks/${q.checkId}/breach`, {}), 404, "NOT_FOUND");
    const sent = await recordingCheck(stack, mail);
    assert.equal(sent.verdict, "block");
    assertError(await stack.api("POST", `/api/checks/${sent.checkId}/breach`, {}), 422, "UNPROCESSABLE");
    const o = await stack.api("POST", `/api/checks/${q.checkId}/override`, { reason: "Ouders hebben telefonisch ingestemd", mail: { ...mail, cc: [], bcc: [], attachments: [] } });
    assert.equal(o.status, 201, JSON.stringify(o.json));
    const r = await stack.api<Breach>("POST", `/api/checks/${q.checkId}/breach`, { categories: ["verslag"] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.source, "override");
    assert.equal(r.json.checkId, q.checkId);
    assert.deepEqual(r.json.students.map((x) => x.id), [s.id]);
    assert.deepEqual(r.json.recipients, [GGD]);
    assert.match(r.json.what, /Ouders hebben telefonisch ingestemd/);
    assert.equal(Date.parse(r.json.deadline) - Date.parse(r.json.awareAt), 72 * HOUR);
  });
});

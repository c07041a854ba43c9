import assert from "node:assert/strict";
import { startStack, type Stack } from "../support/stack.js";

/**
 * The early warning's dry run (issue 14 item 4): the same decision as the send check, but nothing is
 * written: no check record, no disclosure in any register.
 */
describe("Dry-run check (early warning): same verdict, nothing written (HTTP, Azurite)", function () {
  this.timeout(60_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ seedDemo: true });
  });
  after(async () => stack?.stop());

  const mail = { to: ["lpa@leerplicht.voorbeeldstad.example"], subject: "Verzuim Daan Jansen", body: "Melding over Daan Jansen." };

  it("When a warned mail is checked as a dry run, then the verdict is the send check's, and neither the check nor a disclosure is stored", async () => {
    const found = await stack.api<{ students: { id: string; name: string }[] }>("GET", "/api/students?query=Daan%20Jansen");
    const daan = found.json.students.find((s) => s.name === "Daan Jansen");
    assert.ok(daan);
    const events = async () => (await stack.api<{ events: unknown[] }>("GET", `/api/students/${daan.id}/register`)).json.events.length;
    const before = await events();
    const dry = await stack.api<{ checkId: string; verdict: string; message: string }>("POST", "/api/check", { ...mail, dryRun: true });
    assert.equal(dry.status, 200);
    assert.equal(dry.json.verdict, "warn");
    assert.equal((await stack.api("GET", `/api/checks/${dry.json.checkId}`)).status, 404);
    assert.equal(await events(), before);
    // The real send check of the same mail decides the same and does write.
    const real = await stack.api<{ checkId: string; verdict: string; message: string }>("POST", "/api/check", mail);
    assert.equal(real.json.verdict, dry.json.verdict);
    assert.equal(real.json.message, dry.json.message);
    assert.equal((await stack.api("GET", `/api/checks/${real.json.checkId}`)).status, 200);
    assert.ok((await events()) > before);
  });
});

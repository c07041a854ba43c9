import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startStack, type Stack } from "../support/stack.js";
import { AzuriteProcess, freePort } from "../../server/shared/azurite.js";
import { assertError, type CheckResponse, type ConsentEvent, type RegisterView } from "../support/api-helpers.js";

/**
 * Storage goes away (the emulator is killed, as a crash would) and comes back on the same port with its
 * data: the API answers 503 STORAGE_UNAVAILABLE quickly meanwhile, keeps running, and recovers by itself.
 */

describe("Storage outage and recovery", function () {
  this.timeout(60_000);
  let stack: Stack;
  let dir: string;
  let port: number;
  let first: AzuriteProcess;
  let second: AzuriteProcess | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "zv-outage-"));
    port = await freePort();
    first = new AzuriteProcess({ location: dir, port });
    await first.start();
    stack = await startStack({ azurite: first });
    // The emulator writes its store to disk every 5 s, and on a clean stop: stop it cleanly once so the
    // seeded data is on disk before the crash below (real Table Storage is durable on every write).
    await first.stop();
    await first.start();
  });
  after(async () => {
    await stack.stop();
    await first.stop(true);
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const GGD = "jgz@ggd-voorbeeldregio.example";
  const requests = {
    // Students whose registers this server has not read before.
    check: (name: string) => stack.api<CheckResponse>("POST", "/api/check", { to: [GGD], subject: `Verslag ${name}`, body: "" }),
    consent: (studentId: string) =>
      stack.api<ConsentEvent>("POST", "/api/consents", {
        studentId, partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: `${studentId}-o1` }, method: "paper",
        givenAt: new Date(Date.now() - 86400_000).toISOString(),
      }),
    register: (studentId: string) => stack.api<RegisterView>("GET", `/api/students/${studentId}/register`),
  };
  const timed = async <T>(p: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const t = Date.now();
    const value = await p();
    return { value, ms: Date.now() - t };
  };

  it("When storage is up, then /healthz reports up and the directory is loaded", async () => {
    const h = await stack.api<{ ok: boolean; storage: string }>("GET", "/healthz", undefined, { token: "" });
    assert.equal(h.status, 200);
    assert.deepEqual(h.json, { ok: true, storage: "up" });
    // Jan de Vries: the demo consent is in the register.
    const c = await requests.check("Jan de Vries");
    assert.equal(c.json.verdict, "allow");
  });

  it("When Azurite is killed, then a check, a consent write and a register read answer 503 STORAGE_UNAVAILABLE within 5 seconds, /healthz reports down, and the server keeps running", async () => {
    await first.stop(true);
    assert.equal(first.running, false);

    const check = await timed(() => requests.check("Sem van Dijk"));
    assertError(check.value, 503, "STORAGE_UNAVAILABLE");
    assert.ok(check.ms < 5000, `check took ${check.ms} ms`);
    assert.ok(check.value.headers.get("retry-after"), "Retry-After tells the add-in when to try again");

    const consent = await timed(() => requests.consent("lln-007"));
    assertError(consent.value, 503, "STORAGE_UNAVAILABLE");
    assert.ok(consent.ms < 5000, `consent took ${consent.ms} ms`);

    const register = await timed(() => requests.register("lln-008"));
    assertError(register.value, 503, "STORAGE_UNAVAILABLE");
    assert.ok(register.ms < 5000, `register took ${register.ms} ms`);

    const health = await timed(() => stack.api<{ ok: boolean; storage: string }>("GET", "/healthz", undefined, { token: "" }));
    assert.equal(health.value.status, 503);
    assert.deepEqual(health.value.json, { ok: false, storage: "down" });
    assert.ok(health.ms < 5000, `healthz took ${health.ms} ms`);

    // The process is alive and serves what needs no storage.
    assert.equal(stack.running.server.listening, true);
    const doc = await stack.api("GET", "/api/openapi.json", undefined, { token: "" });
    assert.equal(doc.status, 200);
    assert.ok(!stack.logs.some((l) => /"level":(50|60)/.test(l) && /INTERNAL/.test(l)), "no 500 was logged");
  });

  it("When Azurite comes back on the same port with its data, then the same requests work without restarting the server, and /healthz reports up", async () => {
    second = new AzuriteProcess({ location: dir, port });
    await second.start();

    const h = await stack.api<{ ok: boolean; storage: string }>("GET", "/healthz", undefined, { token: "" });
    assert.equal(h.status, 200);
    assert.deepEqual(h.json, { ok: true, storage: "up" });

    const check = await requests.check("Sem van Dijk");
    assert.equal(check.status, 200, JSON.stringify(check.json));
    assert.deepEqual(check.json.students.map((s) => s.id), ["lln-005"]);

    const consent = await requests.consent("lln-007");
    assert.equal(consent.status, 201, JSON.stringify(consent.json));

    const register = await requests.register("lln-008");
    assert.equal(register.status, 200, JSON.stringify(register.json));
    assert.equal(register.json.student.name, "Emma de Boer");

    // The data written before the outage survived it: the demo consent of Jan de Vries still allows.
    const jan = await requests.check("Jan de Vries");
    assert.equal(jan.status, 200);
    assert.equal(jan.json.verdict, "allow", JSON.stringify(jan.json.recipients));
    const reg = await requests.register("lln-007");
    assert.equal(reg.json.chain.verified, true);
    assert.ok(reg.json.events.some((e) => e.id === consent.json.id));
  });
});

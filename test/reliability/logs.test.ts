import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { sha256Hex } from "../../server/shared/hash.js";
import { approvedPurge } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "./support.js";

/** Everything personal the scenario below sends: none of it may reach a log line. */
const SECRETS = {
  given: "Wilhelmina",
  family: "Zonnebloemhof",
  alias: "Mientje",
  guardian: "Bartholomeus Zonnebloemhof",
  guardianEmail: "bart.zonnebloemhof@ouders.example",
  subject: "Zorgen over thuissituatie",
  body: "Zij vertelde vanochtend over de ruzies thuis en slaapt slecht",
  reason: "Spoedoverleg nodig over het welzijn van het kind",
  excerpt: "Ik geef toestemming voor het gesprek met de GGD",
};

describe("Logs carry no personal data", function () {
  this.timeout(60_000);
  const stack = useStack();

  it("When a full scenario runs (import, consents, checks naming the student, an override with a reason, an export), then no name, address or mail text is in the logs", async () => {
    const imp = await stack.api("POST", "/api/import", {
      students: [
        {
          id: "log-1",
          schoolId: DEMO_SCHOOL_ID,
          givenName: SECRETS.given,
          familyName: SECRETS.family,
          aliases: [SECRETS.alias],
          studentNumber: "L0G1",
          birthDate: "2015-05-05",
          className: "5A",
          guardians: [{ id: "log-1-g", name: SECRETS.guardian, emails: [SECRETS.guardianEmail], relation: "father", hasAuthority: true }],
        },
      ],
    });
    assert.equal(imp.status, 200);
    const consent = await stack.api("POST", "/api/consents", {
      studentId: "log-1",
      partyId: "ggd",
      purposeId: "jgz-consult",
      decision: "granted",
      givenBy: { guardianId: "log-1-g" },
      method: "email",
      givenAt: new Date(Date.now() - 86400_000).toISOString(),
      evidence: { messageId: "<abc@ouders.example>", sender: SECRETS.guardianEmail, date: new Date().toISOString(), sha256: sha256Hex("x"), excerpt: SECRETS.excerpt },
    }, { headers: { "idempotency-key": "log-consent" } });
    assert.equal(consent.status, 201, JSON.stringify(consent.json));
    const staff = await stack.token("juf@demo", ["staff"]);
    const allowed = await stack.api("POST", "/api/check", { to: ["jgz@ggd-voorbeeldregio.example"], subject: `${SECRETS.subject} ${SECRETS.given} ${SECRETS.family}`, body: SECRETS.body }, { token: staff });
    assert.equal(allowed.status, 200);
    const blocked = await stack.api<{ checkId: string; verdict: string }>(
      "POST",
      "/api/check",
      { to: ["iemand@elders.example", SECRETS.guardianEmail], subject: SECRETS.subject, body: `${SECRETS.body}. ${SECRETS.alias} ${SECRETS.family}`, mode: "send" },
      { token: staff, headers: { "idempotency-key": "log-send-1" } },
    );
    assert.equal(blocked.json.verdict, "block");
    const ovr = await stack.api("POST", `/api/checks/${blocked.json.checkId}/override`, { reason: SECRETS.reason }, { token: staff });
    assert.equal(ovr.status, 201);
    assert.equal((await stack.api("GET", "/api/students/log-1/register")).status, 200);
    assert.equal((await stack.api("GET", "/api/students/log-1/export")).status, 200);
    assert.equal((await stack.api("GET", `/api/guardians/lookup?email=${encodeURIComponent(SECRETS.guardianEmail)}`)).status, 200);
    assert.equal((await stack.api("GET", `/api/students?query=${SECRETS.family}`)).status, 200);
    // A failing request with personal data in the body too.
    assert.equal((await stack.api("POST", "/api/consents", { studentId: SECRETS.family, note: SECRETS.body })).status, 400);
    await approvedPurge(stack);

    await new Promise((r) => setTimeout(r, 100));
    const text = stack.logs.join("\n");
    assert.ok(stack.logs.length >= 12, `only ${stack.logs.length} log lines`);
    assert.match(text, /"route":"\/api\/check"/);
    for (const [what, secret] of Object.entries(SECRETS)) {
      for (const piece of [secret, ...secret.split(/[\s@.]+/).filter((w) => w.length >= 7)]) {
        assert.equal(text.toLowerCase().includes(piece.toLowerCase()), false, `${what} (${piece}) is in the logs`);
      }
    }
  });
});

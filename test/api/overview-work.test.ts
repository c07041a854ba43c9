import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startStack, type Stack } from "../support/stack.js";
import { twoSchoolImport } from "../support/api-helpers.js";
import type { OpenRequest, Overview, ReviewItem } from "../../contract/index.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";
import { SentItemsRepository } from "../../server/sentitems/repository.js";

/**
 * The coordinator's open work on the overview (issue 17): open consent requests (not answered by every
 * holder, not expired) and the mails awaiting a decision ("Te beoordelen"), counted from the kept rows of
 * the open ones per school (server/portal/open-requests.ts, the Review table's "o|" rows), over real HTTP
 * and Azurite, each scoped to the caller's schools.
 */
describe("The overview's open requests and mails to review", function () {
  let stack: Stack;
  const tenant = randomUUID();
  const tokens: Record<"a" | "b" | "viewer" | "officer", string> = { a: "", b: "", viewer: "", officer: "" };
  const work = async (who: keyof typeof tokens): Promise<Overview["work"]> => {
    const r = await stack.api<Overview>("GET", "/api/register/overview", undefined, { token: tokens[who] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.work;
  };
  const ask = async (studentId: string): Promise<ConsentRequestRecord> => {
    const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId, partyId: "ggd", purposeId: "zorg" }, { token: tokens.officer });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    return r.json;
  };
  const reply = async (req: ConsentRequestRecord, sender: string): Promise<void> => {
    const r = await stack.api("POST", `/api/consent-requests/${req.requestId}/reply`, {
      decision: "granted",
      evidence: { messageId: `<${randomUUID()}@mail.example>`, sender, date: new Date(Date.now() - 60_000).toISOString(), sha256: "c".repeat(64) },
    }, { token: tokens.officer });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  };

  before(async () => {
    stack = await startStack({ seedDemo: false });
    tokens.a = await stack.token("ib@a", ["coordinator"], tenant, ["s-a"]);
    tokens.b = await stack.token("ib@b", ["coordinator"], tenant, ["s-b"]);
    tokens.viewer = await stack.token("kijker@a", ["viewer"], tenant, ["s-a"]);
    tokens.officer = await stack.token("fg@bestuur", ["privacy-officer"], tenant);
    const body = twoSchoolImport([
      { id: "w-a1", schoolId: "s-a", guardians: [{ id: "w-a1-o1", name: "Ouder Een", emails: ["a1@ouders.example"], relation: "mother" as const, hasAuthority: true }] },
      {
        id: "w-a2",
        schoolId: "s-a",
        guardians: [
          { id: "w-a2-o1", name: "Ouder Twee", emails: ["a2@ouders.example"], relation: "mother" as const, hasAuthority: true },
          { id: "w-a2-o2", name: "Ouder Drie", emails: ["a2b@ouders.example"], relation: "father" as const, hasAuthority: true },
        ],
      },
      { id: "w-b1", schoolId: "s-b", guardians: [{ id: "w-b1-o1", name: "Ouder Vier", emails: ["b1@ouders.example"], relation: "mother" as const, hasAuthority: true }] },
      ].map((s, i) => ({ ...s, givenName: `Kind${i}`, familyName: "Visser", aliases: [], studentNumber: String(300 + i), birthDate: "2016-03-03", className: "groep 4" })));
    const r = await stack.api("POST", "/api/import", body, { token: tokens.officer });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });
  after(async () => stack.stop());

  it("When requests are made, answered (on the parents' page and by a reply, one holder at a time) and expire, then each school's coordinator sees its own open requests change, never the other school's, and a viewer sees no work", async () => {
    assert.deepEqual(await work("a"), { openRequests: 0, toReview: 0 });
    assert.equal(await work("viewer"), undefined, "the coordinator's screens are not a viewer's");

    const a1 = await ask("w-a1");
    const a2 = await ask("w-a2");
    const b1 = await ask("w-b1");
    assert.equal((await work("a"))?.openRequests, 2);
    assert.equal((await work("b"))?.openRequests, 1);
    assert.equal((await work("officer"))?.openRequests, 3);

    // Two holders of authority: open until both answered.
    await reply(a2, "a2@ouders.example");
    assert.equal((await work("a"))?.openRequests, 2, "one of two holders answered: still open");
    await reply(a2, "a2b@ouders.example");
    assert.equal((await work("a"))?.openRequests, 1);

    // The parents' page.
    const link = a1.letters[0]?.link;
    assert.ok(link, "the letter has its personal link");
    const page = await fetch(`${stack.baseUrl}${new URL(link).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ answer: "give" }).toString(),
    });
    assert.equal(page.status, 200);
    assert.deepEqual(await work("a"), { openRequests: 0, toReview: 0 });
    assert.equal((await work("b"))?.openRequests, 1, "school A's answers leave school B's number alone");

    // The list behind the number agrees (state=open), now and after the links expired.
    const open = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests?state=open", undefined, { token: tokens.officer });
    assert.deepEqual(open.json.requests.map((r) => r.requestId), [b1.requestId]);
    for (const [who, ids] of [["a", []], ["b", [b1.requestId]]] as const) {
      const own = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests?state=open", undefined, { token: tokens[who] });
      assert.equal(own.status, 200, JSON.stringify(own.json));
      assert.deepEqual(own.json.requests.map((r) => r.requestId), ids, `the list behind ${who}'s number: its own school's only`);
    }
    assert.ok(b1.linkExpiresAt);
    const later = new Date(Date.parse(b1.linkExpiresAt) + 60_000);
    const index = stack.running.services.openRequests;
    assert.equal(await index.count(tenant, ["s-b"], new Date()), 1);
    assert.equal(await index.count(tenant, ["s-b"], later), 0, "expired: no longer open");
    assert.deepEqual(await stack.running.services.followUp.list(tenant, "open", later), []);
  });

  it("When mails go on the review list and are decided, then each school's coordinator counts only the open ones about its own students; one about both schools is the privacy officer's", async () => {
    const repo = new SentItemsRepository(stack.running.storage);
    const item = (id: string, students: { id: string; schoolId: string }[]): ReviewItem => ({
      id,
      kind: "unchecked",
      mailbox: "mentor@a.school.example",
      internetMessageId: `<${id}@mail.example>`,
      subject: "Verslag",
      sentAt: new Date().toISOString(),
      flaggedAt: new Date().toISOString(),
      to: ["x@ggd.example"],
      cc: [],
      bcc: [],
      students: students.map((s) => ({ ...s, name: s.id })),
      reasons: [],
      state: "open",
    });
    for (const [id, students] of [
      ["rv-a1", [{ id: "w-a1", schoolId: "s-a" }]],
      ["rv-a2", [{ id: "w-a2", schoolId: "s-a" }]],
      ["rv-b1", [{ id: "w-b1", schoolId: "s-b" }]],
      ["rv-ab", [{ id: "w-a1", schoolId: "s-a" }, { id: "w-b1", schoolId: "s-b" }]],
    ] as const)
      assert.equal(await repo.addReview(tenant, item(id, [...students])), true);
    assert.equal((await work("a"))?.toReview, 2);
    assert.equal((await work("b"))?.toReview, 1);
    assert.equal((await work("officer"))?.toReview, 4);

    const d = await stack.api("POST", "/api/review/rv-a1/decision", { decision: "breach", note: "Naar het verkeerde adres" }, { token: tokens.a });
    assert.equal(d.status, 200, JSON.stringify(d.json));
    assert.equal((await work("a"))?.toReview, 1);
    assert.equal((await work("b"))?.toReview, 1);
    assert.equal((await work("officer"))?.toReview, 3);
    const list = await stack.api<{ items: ReviewItem[] }>("GET", "/api/review?state=open", undefined, { token: tokens.a });
    assert.deepEqual(list.json.items.map((i) => i.id), ["rv-a2"], "the list behind school A's number");
  });
});

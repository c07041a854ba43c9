import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startStack, type Stack } from "../support/stack.js";
import { DEMO_SCHOOL_ID, demoImport } from "../../server/demo/data.js";
import { key as storageKey } from "../../server/shared/storage.js";
import { CHECK_HEADER } from "../../contract/sendcheck.js";
import type { OpenRequest, RemindResult } from "../../contract/portal.js";
import { ENTRA_AUTHORITY, ENTRA_CLIENT_ID, ENTRA_TENANT, entraStackOptions, FakeAuthority, makeKey, mint, sendJson, startGraphStub, startJwks, type TestKey } from "./support.js";

/**
 * The real server in Entra ID mode (ENTRA_CLIENT_ID set), with only the outside world faked: the
 * tenant's signing keys (a local JWKS server), the Entra token endpoint (a fake authority behind MSAL)
 * and Microsoft Graph (a local stub). Storage is the shared in-memory Azurite.
 */

const TENANT = ENTRA_TENANT;
const OTHER_TENANT = "0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b";
const CLIENT_ID = ENTRA_CLIENT_ID;
const AUTHORITY = ENTRA_AUTHORITY;

/** A guardian of lln-001 in the demo data (slug of "de Vries"). */
const GUARDIAN = "ouder1.devries@mail.example";
const STRANGER = "onbekend@elders.example";

const MIME_1 = Buffer.from(
  `From: Sanne de Vries <${GUARDIAN}>\r\nTo: ib@regenboog.school.example\r\nSubject: Re: Toestemming gevraagd\r\n` +
    "Message-ID: <reply-1@mail.example>\r\nIn-Reply-To: <request-1@regenboog.school.example>\r\n\r\nIk geef toestemming.\r\n\u00e9\r\n",
  "utf8",
);
const MIME_2 = Buffer.from(`From: ${STRANGER}\r\nMessage-ID: <reply-2@elders.example>\r\n\r\nJa hoor.\r\n`, "utf8");
/** Another reply of the same parent (one email is recorded at most once per student). */
const MIME_3 = Buffer.from(
  `From: Sanne de Vries <${GUARDIAN}>\r\nTo: ib@regenboog.school.example\r\nSubject: Re: Toestemming GGD\r\nMessage-ID: <reply-3@mail.example>\r\n\r\nAkkoord met de GGD.\r\n`,
  "utf8",
);
const MIME_SHARED = Buffer.from(
  `From: ${GUARDIAN}\r\nTo: zorg@regenboog.school.example\r\nSubject: Toestemming\r\nMessage-ID: <shared-1@mail.example>\r\n\r\nAkkoord.\r\n`,
  "utf8",
);
/** The school's shared care mailbox the coordinator reads (Graph: /users/{owner}/messages). */
const SHARED = "zorg@regenboog.school.example";
/** A shared mailbox Graph does not let the coordinator read (no Mail.Read.Shared grant on it). */
const LOCKED = "directie@regenboog.school.example";

interface Message {
  graphId: string;
  internetMessageId: string;
  from: string;
  mime: Buffer;
  inReplyTo?: string;
}

const MESSAGES: Message[] = [
  // Graph shows the address with capitals; the register keeps it in lower case.
  { graphId: "AAMk-1", internetMessageId: "<reply-1@mail.example>", from: "Ouder1.DeVries@Mail.Example", mime: MIME_1, inReplyTo: "<request-1@regenboog.school.example>" },
  { graphId: "AAMk-2", internetMessageId: "<reply-2@elders.example>", from: STRANGER, mime: MIME_2 },
  { graphId: "AAMk-3", internetMessageId: "<reply-3@mail.example>", from: GUARDIAN, mime: MIME_3 },
];
/** Messages in the shared mailbox SHARED only (not in /me). */
const SHARED_MESSAGES: Message[] = [{ graphId: "AAMk-S1", internetMessageId: "<shared-1@mail.example>", from: GUARDIAN, mime: MIME_SHARED }];

interface ApiError {
  error: { code: string; message: string };
}
interface EvidenceView {
  messageId: string;
  sender: string;
  date: string;
  sha256: string;
  hashSource: string;
  inReplyTo?: string;
}
interface RegisterView {
  events: { type: string; id: string; evidence?: EvidenceView }[];
}
interface RequestRecord {
  requestId: string;
  to: string[];
  subject: string;
  messageId?: string;
  letters: { to: string; subject: string; messageId?: string; link?: string }[];
}

/** Drafts the Graph stub created (each gets its own id). */
let drafts = 0;

describe("The real server in Entra ID mode (fake JWKS, fake Entra authority, local Graph stub)", function () {
  this.timeout(60_000);
  let stack: Stack;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let graph: Awaited<ReturnType<typeof startGraphStub>>;
  let authority: FakeAuthority;
  let key: TestKey;
  let coordinator: string;
  let distDir: string;

  const token = (tid: string, roles: string[] = ["coordinator"], oid: string = randomUUID()): Promise<string> =>
    mint(key, { issuer: `${AUTHORITY}/${tid}/v2.0`, audience: CLIENT_ID, tid, oid, roles });
  const api = <T = Record<string, unknown>>(method: string, p: string, body?: unknown, t?: string) => stack.api<T>(method, p, body, { token: t ?? coordinator });
  const graphCalls = (method: string, p: string): number => graph.calls.filter((c) => c.method === method && c.path.split("?")[0] === p).length;

  before(async () => {
    key = await makeKey();
    jwks = await startJwks();
    jwks.keys.push(key.jwk);
    graph = await startGraphStub([
      (c, res) => {
        const u = /^\/v1\.0\/users\/([^/?]+)\/messages\//.exec(c.path);
        if (c.method !== "GET" || decodeURIComponent(u?.[1] ?? "") !== LOCKED) return false;
        return sendJson(res, 403, { error: { code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." } });
      },
      (c, res) => {
        const m = /^\/v1\.0\/(?:me|users\/([^/?]+))\/messages\/([^/?]+)(\/\$value)?(?:\?|$)/.exec(c.path);
        if (c.method !== "GET" || !m?.[2]) return false;
        const inShared = decodeURIComponent(m[1] ?? "") === SHARED;
        if (m[1] && !inShared) return false;
        const msg = (inShared ? SHARED_MESSAGES : MESSAGES).find((x) => encodeURIComponent(x.graphId) === m[2]);
        if (!msg) return false;
        if (m[3]) {
          res.statusCode = 200;
          res.setHeader("content-type", "text/plain");
          res.end(msg.mime);
          return true;
        }
        return sendJson(res, 200, {
          id: msg.graphId,
          internetMessageId: msg.internetMessageId,
          from: { emailAddress: { address: msg.from } },
          sender: { emailAddress: { address: msg.from } },
          receivedDateTime: "2026-03-04T09:15:00Z",
          bodyPreview: "Ik geef toestemming.",
          internetMessageHeaders: msg.inReplyTo ? [{ name: "In-Reply-To", value: msg.inReplyTo }] : [],
        });
      },
      (c, res) => {
        if (c.method !== "POST" || c.path !== "/v1.0/me/messages") return false;
        drafts += 1;
        return sendJson(res, 201, { id: `draft-${drafts}`, internetMessageId: `<draft-${drafts}@regenboog.school.example>`, isDraft: true });
      },
      (c, res) => {
        if (c.method !== "POST" || !/^\/v1\.0\/me\/messages\/draft-\d+\/send$/.test(c.path)) return false;
        res.statusCode = 202;
        res.end();
        return true;
      },
    ]);
    authority = new FakeAuthority();
    // Built front ends with a playground, so a 404 for it is the mode and not a missing folder.
    distDir = await mkdtemp(path.join(tmpdir(), "zv-dist-"));
    for (const dir of ["tab", "playground"]) {
      await mkdir(path.join(distDir, dir));
      await writeFile(path.join(distDir, dir, "index.html"), `<!doctype html><title>${dir}</title>`);
    }
    stack = await startStack(entraStackOptions({ jwks, graph, authority }, { env: { EVIDENCE_DIR: path.join(distDir, "evidence") }, distDir }));
    coordinator = await token(TENANT, ["coordinator"], "oid-coordinator");
    const me = await api<{ tenantId: string; roles: string[]; devMode: boolean; graph: boolean }>("GET", "/api/me");
    assert.equal(me.status, 200, JSON.stringify(me.json));
    assert.deepEqual({ ...me.json, user: undefined }, { user: undefined, tenantId: TENANT, roles: ["coordinator"], devMode: false, graph: true, schools: "all" });
    const schools = await api<{ schools: unknown[] }>("GET", "/api/schools");
    assert.deepEqual(schools.json.schools, [], "Entra mode seeds no demo school");
    const imported = await api("POST", "/api/import", demoImport());
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
  });

  after(async () => {
    await stack?.stop();
    await graph?.close();
    await jwks?.close();
    if (distDir) await rm(distDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    graph.calls.length = 0;
    authority.tokenCalls.length = 0;
  });

  const consent = (graphMessageId: string, extra: Record<string, unknown> = {}) => ({
    studentId: "lln-001",
    partyId: "ggd",
    purposeId: "jgz-consult",
    decision: "granted",
    givenBy: { guardianId: "lln-001-o1" },
    method: "email",
    givenAt: "2026-03-04T09:15:00Z",
    evidence: {
      messageId: "<what-the-pane-saw@client.example>",
      sender: "someone.else@client.example",
      date: "2026-03-04T09:15:00Z",
      sha256: "ab".repeat(32),
      graphMessageId,
      ...extra,
    },
  });

  it("When a consent is posted with the Outlook item id, then the stored evidence is the server's: SHA-256 of Graph's MIME, hashSource server-mime, message id and sender from Graph", async () => {
    const r = await api<{ id: string } & ApiError>("POST", "/api/consents", consent("AAMk-1", { inReplyTo: "<forged@client.example>" }));
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const reg = await api<RegisterView>("GET", "/api/students/lln-001/register");
    assert.equal(reg.status, 200);
    const ev = reg.json.events.find((e) => e.id === r.json.id)?.evidence;
    assert.ok(ev, "the consent is in the register with its evidence");
    assert.equal(ev.sha256, createHash("sha256").update(MIME_1).digest("hex"));
    assert.equal(ev.hashSource, "server-mime");
    assert.equal(ev.messageId, "<reply-1@mail.example>");
    assert.equal(ev.sender, GUARDIAN);
    assert.equal(ev.date, "2026-03-04T09:15:00.000Z");
    assert.equal(ev.inReplyTo, "<request-1@regenboog.school.example>", "the link to the request is the message's own header, not the client's");
    // On behalf of the coordinator: the OBO assertion is the coordinator's own API token, for Mail.Read.
    assert.equal(authority.tokenCalls.length, 1);
    assert.equal(authority.tokenCalls[0]?.grantType, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert.equal(authority.tokenCalls[0]?.assertion, coordinator);
    assert.ok(authority.tokenCalls[0]?.scope.includes("https://graph.microsoft.com/Mail.Read"));
    assert.ok(authority.tokenCalls[0]?.url.includes(`/${TENANT}/`), "the token comes from the caller's tenant");
    assert.equal(graphCalls("GET", "/v1.0/me/messages/AAMk-1/$value"), 1);
    for (const c of graph.calls) assert.match(c.authorization ?? "", /^Bearer graph-token-\d+$/);
  });

  it("When a consent is recorded from an item in a shared mailbox, then the server reads /users/{owner}/messages/{id} with Mail.Read.Shared and keeps the hash of that MIME, the mailbox named", async () => {
    const r = await api<{ id: string; evidence: EvidenceView & { mailbox?: string } } & ApiError>(
      "POST",
      "/api/consents",
      { ...consent("AAMk-S1", { mailboxOwner: "Zorg@Regenboog.School.Example" }), givenAt: "2026-03-06T09:15:00Z" },
    );
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.evidence.hashSource, "server-mime");
    assert.equal(r.json.evidence.sha256, createHash("sha256").update(MIME_SHARED).digest("hex"));
    assert.equal(r.json.evidence.messageId, "<shared-1@mail.example>");
    assert.equal(r.json.evidence.mailbox, SHARED);
    assert.equal(graphCalls("GET", `/v1.0/users/${encodeURIComponent(SHARED)}/messages/AAMk-S1/$value`), 1);
    assert.equal(graph.calls.filter((c) => c.path.startsWith("/v1.0/me/")).length, 0, "not the coordinator's own mailbox");
    assert.ok(authority.tokenCalls[0]?.scope.includes("https://graph.microsoft.com/Mail.Read.Shared"), authority.tokenCalls[0]?.scope);
  });

  it("When Graph may not read the shared mailbox (403), then the consent is recorded with the pane's evidence: hashSource client, the mailbox named", async () => {
    const r = await api<{ id: string; evidence: EvidenceView & { mailbox?: string } } & ApiError>(
      "POST",
      "/api/consents",
      { ...consent("AAMk-L1", { mailboxOwner: LOCKED, sender: GUARDIAN }), givenAt: "2026-03-07T09:15:00Z" },
    );
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(graphCalls("GET", `/v1.0/users/${encodeURIComponent(LOCKED)}/messages/AAMk-L1`), 1, "Graph was asked first");
    const reg = await api<RegisterView>("GET", "/api/students/lln-001/register");
    const ev = reg.json.events.find((e) => e.id === r.json.id)?.evidence as (EvidenceView & { mailbox?: string }) | undefined;
    assert.ok(ev);
    assert.equal(ev.hashSource, "client");
    assert.equal(ev.sha256, "ab".repeat(32));
    assert.equal(ev.messageId, "<what-the-pane-saw@client.example>");
    assert.equal(ev.mailbox, LOCKED);
  });

  it("When the shared-mailbox item's sender is not a guardian and Graph may not read it, then the pane's sender decides: 422 NOT_A_GUARDIAN, nothing written", async () => {
    const before = await api<RegisterView>("GET", "/api/students/lln-001/register");
    const r = await api<ApiError>("POST", "/api/consents", { ...consent("AAMk-L2", { mailboxOwner: LOCKED, sender: STRANGER }), givenAt: "2026-03-08T09:15:00Z" });
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.equal(r.json.error.code, "NOT_A_GUARDIAN");
    const after = await api<RegisterView>("GET", "/api/students/lln-001/register");
    assert.deepEqual(after.json.events, before.json.events);
  });

  it("When a consent's Graph sender is not a guardian of the student, then it is refused (422 NOT_A_GUARDIAN) and nothing is written", async () => {
    const before = await api<RegisterView>("GET", "/api/students/lln-001/register");
    // The pane claims the guardian's address; Graph says otherwise, and Graph is believed.
    const r = await api<ApiError>("POST", "/api/consents", consent("AAMk-2", { sender: GUARDIAN }));
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.equal(r.json.error.code, "NOT_A_GUARDIAN");
    assert.equal(graphCalls("GET", "/v1.0/me/messages/AAMk-2/$value"), 1, "the evidence was fetched from Graph");
    const after = await api<RegisterView>("GET", "/api/students/lln-001/register");
    assert.deepEqual(after.json.events, before.json.events);
  });

  // Issue 13 changed this outcome: one draft per holder of authority, never both in one To line (was: one draft to both).
  it("[R-LETTER-PER-HOLDER] When a consent request is made and sent, then Graph gets one draft and one send per holder of authority, each to one address, the request holds the Internet Message-IDs, and a second send sends nothing", async () => {
    const created = await api<RequestRecord>("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "dyslexiepraktijk", purposeId: "onderzoek-dyslexie" });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.deepEqual(created.json.to, ["marieke.vdberg@mail.example", "erik.hoekstra@mail.example"]);
    assert.equal(created.json.messageId, undefined);
    const id = created.json.requestId;

    const first = drafts + 1;
    const sent = await api<RequestRecord>("POST", `/api/consent-requests/${id}/send`);
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    assert.equal(sent.json.messageId, `<draft-${first}@regenboog.school.example>`);
    assert.deepEqual(sent.json.letters.map((l) => l.messageId), [`<draft-${first}@regenboog.school.example>`, `<draft-${first + 1}@regenboog.school.example>`]);
    assert.deepEqual(
      graph.calls.map((c) => `${c.method} ${c.path}`),
      ["POST /v1.0/me/messages", `POST /v1.0/me/messages/draft-${first}/send`, "POST /v1.0/me/messages", `POST /v1.0/me/messages/draft-${first + 1}/send`],
    );
    const draftsSent = graph.calls
      .filter((c) => c.path === "/v1.0/me/messages")
      .map((c) => JSON.parse(c.body ?? "{}") as { subject: string; body: { contentType: string; content: string }; toRecipients: { emailAddress: { address: string } }[] });
    assert.deepEqual(
      draftsSent.map((d) => d.toRecipients.map((t) => t.emailAddress.address)),
      [["marieke.vdberg@mail.example"], ["erik.hoekstra@mail.example"]],
    );
    for (const d of draftsSent) {
      assert.equal(d.subject, created.json.subject);
      assert.equal(d.body.contentType, "HTML");
    }
    assert.match(draftsSent[1]?.body.content ?? "", /Beste Erik Hoekstra/);
    assert.equal(authority.tokenCalls[0]?.assertion, coordinator);
    assert.ok(authority.tokenCalls[0]?.scope.includes("https://graph.microsoft.com/Mail.Send"));

    const stored = await api<RequestRecord>("GET", `/api/consent-requests/${id}`);
    assert.equal(stored.status, 200);
    assert.equal(stored.json.messageId, `<draft-${first}@regenboog.school.example>`);

    graph.calls.length = 0;
    const again = await api<RequestRecord>("POST", `/api/consent-requests/${id}/send`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, stored.json, "the same record");
    assert.deepEqual(graph.calls, [], "nothing is sent again");
  });

  it("When the school keeps originals, then a recorded consent's MIME is kept and a refused one leaves nothing behind", async () => {
    const policy = await api<Record<string, unknown>>("GET", "/api/policies/obs-de-regenboog");
    const put = await api("PUT", "/api/policies/obs-de-regenboog", { ...policy.json, keepOriginalMessages: true });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const dir = path.join(distDir, "evidence", TENANT);
    const kept = async (): Promise<string[]> => readdir(dir).catch(() => []);
    try {
      const refused = await api<ApiError>("POST", "/api/consents", consent("AAMk-2", { sender: GUARDIAN }));
      assert.equal(refused.status, 422);
      assert.deepEqual(await kept(), [], "nothing kept of a refused consent");
      const ok = await api<{ evidence: { sha256: string } }>("POST", "/api/consents", { ...consent("AAMk-3"), purposeId: "jgz-consult", partyId: "ggd", givenAt: "2026-03-05T09:15:00Z" });
      assert.equal(ok.status, 201, JSON.stringify(ok.json));
      assert.deepEqual(await kept(), [`${ok.json.evidence.sha256}.eml`]);
    } finally {
      await api("PUT", "/api/policies/obs-de-regenboog", { ...policy.json, keepOriginalMessages: false });
    }
  });

  it("When the same consent request is sent twice at once, then Graph sends it once", async () => {
    const created = await api<RequestRecord>("POST", "/api/consent-requests", { studentId: "lln-005", partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const [a, b] = await Promise.all([
      api<RequestRecord>("POST", `/api/consent-requests/${created.json.requestId}/send`),
      api<RequestRecord>("POST", `/api/consent-requests/${created.json.requestId}/send`),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.ok(statuses[0] === 200 && (statuses[1] === 200 || statuses[1] === 409), JSON.stringify([a.json, b.json]));
    // Two parents with authority: one draft and one send each, not more.
    assert.equal(graphCalls("POST", "/v1.0/me/messages"), 2, "one draft per parent");
    assert.equal(graph.calls.filter((c) => c.method === "POST" && /\/send$/.test(c.path)).length, 2, "one send per parent");
  });

  it("When a sent request is not answered for the policy's days, then Open verzoeken marks the letter due, one click sends a reminder with the same link and the server's check stamp and counts it; never to an answered letter, never more than the policy's maximum", async () => {
    const created = await api<RequestRecord>("POST", "/api/consent-requests", { studentId: "lln-002", partyId: "ggd", purposeId: "jgz-consult" });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.requestId;
    assert.equal((await api<RequestRecord>("POST", `/api/consent-requests/${id}/send`)).status, 200);
    const [marieke, erik] = created.json.letters;
    assert.ok(marieke?.link && erik?.link);
    const letters = async () => {
      const list = await api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
      return list.json.requests.find((r) => r.requestId === id)?.letters ?? [];
    };
    const remind = () => api<RemindResult>("POST", `/api/consent-requests/${id}/remind`);
    /** The clock moved on: the last mail of each letter (the request, or its last reminder) went `days` ago. */
    const backdate = async (days: number) => {
      const pk = storageKey(TENANT, "request");
      const e = await stack.running.storage.getOrUndefined("Meta", pk, storageKey(id));
      assert.ok(e);
      const rec = JSON.parse(String(e.data)) as { sentAt: string; letters: { lastReminderAt?: string }[] };
      const ago = new Date(Date.now() - days * 86400_000).toISOString();
      rec.sentAt = ago;
      for (const l of rec.letters) if (l.lastReminderAt) l.lastReminderAt = ago;
      await stack.running.storage.run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: storageKey(id), data: JSON.stringify(rec) }, "Replace"));
    };

    // Just sent: nothing due, nothing sent.
    assert.deepEqual((await letters()).map((l) => l.reminderDue), [false, false]);
    graph.calls.length = 0;
    assert.equal((await remind()).json.reminded, 0);
    assert.equal(graph.calls.length, 0, "nothing sent");

    // Erik answers on his page; six days later nothing is due yet, seven days later Marieke's letter is.
    const answered = await fetch(`${stack.baseUrl}${new URL(erik.link).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "answer=give",
    });
    assert.equal(answered.status, 200);
    await backdate(6);
    assert.deepEqual((await letters()).map((l) => l.reminderDue), [false, false]);
    await backdate(7);
    assert.deepEqual((await letters()).map((l) => [l.state, l.reminderDue]), [["sent", true], ["answered", false]]);

    graph.calls.length = 0;
    const first = await remind();
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.reminded, 1);
    const sentDrafts = graph.calls.filter((c) => c.method === "POST" && c.path === "/v1.0/me/messages");
    assert.equal(sentDrafts.length, 1, "only the unanswered letter");
    assert.equal(graph.calls.filter((c) => /\/send$/.test(c.path)).length, 1);
    const draft = JSON.parse(sentDrafts[0]?.body ?? "{}") as {
      subject: string;
      body: { content: string };
      toRecipients: { emailAddress: { address: string } }[];
      internetMessageHeaders?: { name: string; value: string }[];
    };
    assert.deepEqual(draft.toRecipients.map((t) => t.emailAddress.address), [marieke.to]);
    assert.equal(draft.subject, `Herinnering: ${created.json.subject}`);
    assert.match(draft.body.content, /Een herinnering: wij hebben uw antwoord/);
    assert.ok(draft.body.content.includes(marieke.link), "the same personal link");
    assert.ok(draft.internetMessageHeaders?.some((h) => h.name === CHECK_HEADER && h.value.length > 0), "the server's check stamp");
    const [m1, e1] = first.json.request.letters;
    assert.equal(m1?.reminders, 1);
    assert.ok(m1?.lastReminderAt);
    assert.equal(m1?.reminderDue, false);
    assert.equal(e1?.reminders, 0);

    // A second click sends nothing; seven days on the second reminder goes; then the policy's maximum (2) is reached.
    graph.calls.length = 0;
    assert.equal((await remind()).json.reminded, 0);
    assert.equal(graph.calls.length, 0, "nothing sent");
    await backdate(7);
    assert.equal((await remind()).json.reminded, 1);
    await backdate(30);
    assert.deepEqual((await letters()).map((l) => [l.reminders, l.reminderDue]), [[2, false], [0, false]]);
    graph.calls.length = 0;
    assert.equal((await remind()).json.reminded, 0);
    assert.equal(graph.calls.length, 0, "nothing sent");
  });

  it("When the add-in's pages load /addin/config.js in Entra mode, then it names the backend, the Entra app and the API scope nested app authentication asks for", async () => {
    const res = await fetch(`${stack.baseUrl}/addin/config.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    const m = /^var __ZV_CONFIG__=(\{.*\});\n$/.exec(await res.text());
    assert.ok(m?.[1]);
    assert.deepEqual(JSON.parse(m[1]), {
      apiBaseUrl: "https://zorg.example.nl",
      devMode: false,
      clientId: CLIENT_ID,
      apiScope: `api://zorg.example.nl/${CLIENT_ID}/access_as_user`,
    });
  });

  it("When dev-only endpoints are asked for in Entra mode, then /dev/token and /playground/ are 404 (the tab is served)", async () => {
    const dev = await fetch(`${stack.baseUrl}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "ib@demo" }) });
    assert.equal(dev.status, 404);
    const playground = await fetch(`${stack.baseUrl}/playground/`);
    assert.equal(playground.status, 404);
    const tab = await fetch(`${stack.baseUrl}/tab/`);
    assert.equal(tab.status, 200);
    const root = await fetch(`${stack.baseUrl}/`, { redirect: "manual" });
    assert.equal(root.headers.get("location"), "/tab/");
  });

  it("When a token of a tenant outside ENTRA_ALLOWED_TENANTS calls a real route, then 401 TENANT_NOT_ALLOWED", async () => {
    const other = await token(OTHER_TENANT);
    const r = await api<ApiError>("GET", `/api/students?schoolId=${DEMO_SCHOOL_ID}`, undefined, other);
    assert.equal(r.status, 401, JSON.stringify(r.json));
    assert.equal(r.json.error.code, "TENANT_NOT_ALLOWED");
    const w = await api<ApiError>("POST", "/api/consents", consent("AAMk-1"), other);
    assert.equal(w.status, 401);
    assert.equal(w.json.error.code, "TENANT_NOT_ALLOWED");
    assert.equal(authority.tokenCalls.length + graph.calls.length, 0, "no Graph call for a refused tenant");
    // A token for another API (wrong audience) of the allowed tenant is refused too.
    const wrongAud = await mint(key, { issuer: `${AUTHORITY}/${TENANT}/v2.0`, audience: randomUUID(), tid: TENANT });
    const a = await api<ApiError>("GET", "/api/schools", undefined, wrongAud);
    assert.equal(a.status, 401);
    assert.equal(a.json.error.code, "TOKEN_WRONG_AUDIENCE");
  });
});

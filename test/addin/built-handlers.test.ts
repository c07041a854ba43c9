import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ensureBuilt } from "../support/built.js";
import { startStack, type Stack } from "../support/stack.js";
import { demoImport } from "../../server/demo/data.js";
import { ENTRA_AUTHORITY, ENTRA_CLIENT_ID, ENTRA_TENANT, entraStackOptions, FakeAuthority, makeKey, mint, startGraphStub, startJwks } from "../identity/support.js";
import { directoryRoutes, X500_CONTACT, X500_GGD } from "../sendcheck/directory-stub.js";
import { makePdf } from "../sendcheck/documents.js";
import { checkAnswer, startCannedApi, type CannedApi } from "./support/canned-api.js";
import { makeOffice, type FakeMail, type FakeOfficeOptions } from "./support/fake-office.js";
import { fireOnce, loadBuilt } from "./support/sandbox.js";

/**
 * Must show of issue 14: the BUILT handlers of both runtimes (classic Outlook's onsend.js and the browser
 * runtime's onsend-web.js, as commands.html loads it after config.js), in a sandbox without globalThis and
 * ES2017+ built-ins, with the Office.js double giving what Outlook gives: X500 and unresolved recipients,
 * a distribution list, attachments with contents, a cloud attachment and a meeting.
 * First the request each file sends (a canned API records it), then one path per case against the real
 * server in Entra ID mode with the directory in the local Graph stub: the verdict, and every path
 * completes its event once.
 */

const root = path.resolve(import.meta.dirname, "../..");

const RUNTIMES = [
  { name: "classic Outlook's onsend.js", file: "onsend.js" },
  { name: "the browser runtime's onsend-web.js", file: "onsend-web.js" },
] as const;

const configLine = (c: Record<string, unknown>): string => `var __ZV_CONFIG__=${JSON.stringify(c)};\n`;
const SCHOOL = "regenboog.school.example";
const ROOM = `lokaal-12@${SCHOOL}`;
const CLOUD_URL = "https://school-my.sharepoint.example/d/dossier.docx";
const REPORT = makePdf("Verslag over Daan Jansen, groep 7");

/** What Outlook gives for a mail typed by a user: an X500 contact, a name typed without Enter, the school's list, contents and a link. */
const UNUSUAL_MAIL: FakeMail = {
  to: [],
  subject: "Zie bijlage",
  body: "Zie bijlage.",
  details: {
    to: [
      { emailAddress: X500_GGD, displayName: "JGZ Verpleegkundige", recipientType: "externalUser" },
      { emailAddress: "", displayName: "Jan Zonder Adres", recipientType: "other" },
    ],
    cc: [{ emailAddress: `zorgteam@${SCHOOL}`, displayName: "Zorgteam", recipientType: "distributionList" }],
  },
  attachments: [
    { name: "verslag.pdf", size: REPORT.length, content: { format: "base64", content: REPORT.toString("base64") } },
    { name: "Re: aanmelding", size: 40, attachmentType: "item", content: { format: "eml", content: "Subject: aanmelding Daan\r\n\r\nTekst é" } },
    { name: "dossier.docx", size: 1000, attachmentType: "cloud", content: { format: "url", content: CLOUD_URL } },
    { name: "enorm.pdf", size: 11 * 1024 * 1024 },
    { name: "logo.png", size: 10, isInline: true },
  ],
};

/** "MDO Daan Jansen": the GGD nurse (X500) required, the school's list optional, a room, the report attached. */
const MEETING: FakeMail = {
  itemType: "appointment",
  to: [],
  details: {
    to: [{ emailAddress: X500_GGD, displayName: "JGZ Verpleegkundige", recipientType: "externalUser" }],
    cc: [{ emailAddress: `zorgteam@${SCHOOL}`, displayName: "Zorgteam", recipientType: "distributionList" }],
  },
  resources: [ROOM],
  subject: "MDO",
  body: "Agenda: zie het verslag.",
  attachments: [{ name: "verslag.pdf", size: REPORT.length, content: { format: "base64", content: REPORT.toString("base64") } }],
};

describe("The BUILT handlers of both runtimes in an ES2016 sandbox: the request they send (Office.js double, canned API over HTTP)", function () {
  this.timeout(60_000);
  let api: CannedApi;
  const code = new Map<string, string>();

  before(async () => {
    await ensureBuilt();
    api = await startCannedApi();
    // As served: the config line the server writes (before onsend.js; config.js before onsend-web.js), here dev mode.
    for (const r of RUNTIMES) code.set(r.file, configLine({ apiBaseUrl: api.baseUrl, devMode: true }) + readFileSync(path.join(root, "dist/addin", r.file), "utf8"));
  });
  after(async () => api?.close());

  beforeEach(() => {
    api.checks.length = 0;
    api.uploads.length = 0;
    api.next = { kind: "json", body: checkAnswer("allow") };
  });

  const run = async (file: string, mail: FakeMail, handler = "onMessageSendHandler") => {
    const { handler: fn } = loadBuilt(code.get(file) ?? "", makeOffice(mail), handler, fetch, file);
    const completed = await fireOnce(fn);
    assert.equal(api.checks.length, 1, "one check");
    return { completed, seen: api.checks[0] as { to: unknown; cc: unknown; bcc: unknown; attachments: unknown; correlationId: string; mode: string } };
  };

  for (const r of RUNTIMES) {
    it(`When Outlook gives X500, unresolved and list recipients, attachments with contents and a cloud link, then ${r.name} sends every recipient with its type, and the contents as raw uploads tied to the check`, async () => {
      const { completed, seen } = await run(r.file, UNUSUAL_MAIL);
      assert.deepEqual(completed, { allowEvent: true });
      assert.equal(seen.mode, "send");
      // Nothing dropped or rewritten: the X500 DN and the typed name go to the server as Outlook gave them.
      assert.deepEqual(seen.to, [
        { address: X500_GGD, name: "JGZ Verpleegkundige", type: "externalUser" },
        { address: "Jan Zonder Adres", name: "Jan Zonder Adres", type: "other" },
      ]);
      assert.deepEqual(seen.cc, [{ address: `zorgteam@${SCHOOL}`, name: "Zorgteam", type: "distributionList" }]);
      assert.deepEqual(seen.attachments, [
        { name: "verslag.pdf", kind: "file", size: REPORT.length, receipt: "receipt-of-verslag.pdf" },
        { name: "Re: aanmelding", kind: "item", size: 40, receipt: "receipt-of-Re: aanmelding" },
        { name: "dossier.docx", kind: "cloud", size: 1000, unread: "cloud", url: CLOUD_URL },
        { name: "enorm.pdf", kind: "file", size: 11 * 1024 * 1024, unread: "too-large" },
      ]);
      // Raw bytes (not base64 in JSON), tied to this check; the attached mail as UTF-8 EML.
      assert.deepEqual(
        api.uploads.map((u) => [u.check, u.name, u.contentType]),
        [
          [seen.correlationId, "verslag.pdf", "application/octet-stream"],
          [seen.correlationId, "Re: aanmelding", "message/rfc822"],
        ],
      );
      assert.ok(api.uploads[0]?.bytes.equals(REPORT));
      assert.equal(api.uploads[1]?.bytes.toString("utf8"), "Subject: aanmelding Daan\r\n\r\nTekst é");
    });

    it(`When a meeting is sent (OnAppointmentSend), then ${r.name} sends the required attendees as To, the optional ones as Cc, the room as Bcc, each with its type, and the attachment's contents`, async () => {
      const { seen } = await run(r.file, MEETING, "onAppointmentSendHandler");
      assert.deepEqual(seen.to, [{ address: X500_GGD, name: "JGZ Verpleegkundige", type: "externalUser" }]);
      assert.deepEqual(seen.cc, [{ address: `zorgteam@${SCHOOL}`, name: "Zorgteam", type: "distributionList" }]);
      assert.deepEqual(seen.bcc, [{ address: ROOM, type: "other" }], "a room's name that is its address is not repeated");
      assert.deepEqual(seen.attachments, [{ name: "verslag.pdf", kind: "file", size: REPORT.length, receipt: "receipt-of-verslag.pdf" }]);
      assert.deepEqual(api.uploads.map((u) => u.check), [seen.correlationId]);
    });
  }
});

interface StoredCheck {
  verdict: string;
  message: string;
  students: { name: string }[];
  recipients: { address: string; kind: string; verdict: string; type?: string; via?: string; reasons: { code: string; message: string }[] }[];
  attachments?: { name: string; status: string; students?: number }[];
}

describe("The BUILT handlers of both runtimes against the real server in Entra ID mode, the directory in the Graph stub: one path per case", function () {
  this.timeout(60_000);
  const PUBLIC = "https://zorg.example.nl";
  let stack: Stack;
  let graph: Awaited<ReturnType<typeof startGraphStub>>;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let token = "";
  const code = new Map<string, string>();

  before(async () => {
    await ensureBuilt();
    const key = await makeKey();
    jwks = await startJwks();
    jwks.keys.push(key.jwk);
    graph = await startGraphStub(directoryRoutes(() => graph.base));
    stack = await startStack(entraStackOptions({ jwks, graph, authority: new FakeAuthority() }));
    token = await mint(key, { issuer: `${ENTRA_AUTHORITY}/${ENTRA_TENANT}/v2.0`, audience: ENTRA_CLIENT_ID, tid: ENTRA_TENANT, oid: "oid-ib", roles: ["coordinator"] });
    const imported = await stack.api("POST", "/api/import", demoImport(), { token });
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
    // As the server serves them: onsend.js with its config line; config.js, then onsend-web.js (commands.html).
    const get = async (p: string): Promise<string> => {
      const res = await fetch(`${stack.baseUrl}${p}`);
      assert.equal(res.status, 200, p);
      return res.text();
    };
    code.set("onsend.js", await get("/addin/onsend.js"));
    code.set("onsend-web.js", (await get("/addin/config.js")) + (await get("/addin/onsend-web.js")));
    assert.match(code.get("onsend-web.js") ?? "", /"clientId":/, "the browser runtime is told the Entra app (NAA tried first)");
  });
  after(async () => {
    await stack?.stop();
    await graph?.close();
    await jwks?.close();
  });

  /** The scripts call the public origin they were configured with; the test's network routes it to the stack. */
  const network: typeof fetch = (input, init) => fetch(String(input).replace(PUBLIC, stack.baseUrl), init);

  /** Sends the item through one built file signed in with Office SSO; the completion and the stored check. */
  async function sendThrough(file: string, mail: FakeMail, handler = "onMessageSendHandler") {
    const opts: FakeOfficeOptions = { userEmail: `ib@${SCHOOL}`, sso: () => Promise.resolve(token) };
    const office = makeOffice(mail, opts);
    const { handler: fn } = loadBuilt(code.get(file) ?? "", office, handler, network, file);
    const completed = await fireOnce(fn);
    assert.equal(completed.allowEvent, false, `${file}: ${String(completed.errorMessage)}`);
    assert.equal(completed.commandId, "msgComposeCheckButton", "Actie ondernemen opens the pane");
    const { checkId } = JSON.parse(String(completed.contextData)) as { checkId: string };
    const stored = await stack.api<StoredCheck>("GET", `/api/checks/${checkId}`, undefined, { token });
    assert.equal(stored.status, 200, JSON.stringify({ completed, stored: stored.json }));
    assert.equal(completed.errorMessage, stored.json.message, "Outlook shows the stored check's message");
    return { office, stored: stored.json };
  }
  const codes = (c: StoredCheck, address: string): string[] => c.recipients.find((x) => x.address === address)?.reasons.map((x) => x.code) ?? [];

  it("When a report about a student goes to the GGD nurse Outlook gives as X500, then both built files have her resolved through Graph and the mail blocked (no consent)", async () => {
    for (const r of RUNTIMES) {
      const { stored } = await sendThrough(r.file, {
        to: [],
        details: { to: [{ emailAddress: X500_GGD, displayName: "JGZ Verpleegkundige", recipientType: "externalUser" }] },
        subject: "Verslag Jan de Vries",
        body: "Hierbij het verslag.",
      });
      assert.equal(stored.verdict, "block", r.file);
      assert.deepEqual(stored.recipients.map((x) => [x.address, x.kind, x.type]), [["jgz@ggd-voorbeeldregio.example", "party", "externalUser"]]);
      assert.ok(codes(stored, "jgz@ggd-voorbeeldregio.example").includes("NO_CONSENT"));
    }
  });

  it("When the only recipient is a name typed without Enter, then both built files block the mail about a student with the fix-it text", async () => {
    for (const r of RUNTIMES) {
      const { stored } = await sendThrough(r.file, {
        to: [],
        details: { to: [{ emailAddress: "", displayName: "Jan Zonder Adres", recipientType: "other" }] },
        subject: "Verslag Daan Jansen",
        body: "Hierbij het verslag.",
      });
      assert.equal(stored.verdict, "block", r.file);
      assert.deepEqual(stored.recipients.map((x) => x.reasons.map((y) => y.code)), [["UNRESOLVED_RECIPIENT"]]);
      assert.match(stored.message, /Kies de adressen opnieuw uit de lijst/);
    }
  });

  it("When the school's own list has an outside guest, then both built files have it expanded: the guest blocked, the list a need-to-know warning", async () => {
    for (const r of RUNTIMES) {
      const { stored } = await sendThrough(r.file, {
        to: [],
        details: { to: [{ emailAddress: `zorgteam@${SCHOOL}`, displayName: "Zorgteam", recipientType: "distributionList" }] },
        subject: "Verslag Jan de Vries",
        body: "Hierbij het verslag.",
      });
      assert.equal(stored.verdict, "block", r.file);
      assert.ok(codes(stored, `zorgteam@${SCHOOL}`).includes("INTERNAL_LIST"));
      const guest = stored.recipients.find((x) => x.address === "dyslexie@letterwijs.example");
      assert.deepEqual([guest?.kind, guest?.verdict, guest?.via], ["party", "block", `zorgteam@${SCHOOL}`]);
    }
  });

  it("When only a cloud link goes to a personal contact (X500) at the wijkteam, then both built files hold the mail back: the unreadable rule, the link named", async () => {
    for (const r of RUNTIMES) {
      const { stored } = await sendThrough(r.file, {
        to: [],
        details: { to: [{ emailAddress: X500_CONTACT, displayName: "Wijkcoach", recipientType: "externalUser" }] },
        subject: "Dossier",
        body: "Zie de link.",
        attachments: [{ name: "dossier.docx", size: 1000, attachmentType: "cloud", content: { format: "url", content: CLOUD_URL } }],
      });
      assert.notEqual(stored.verdict, "allow", r.file);
      const coach = stored.recipients.find((x) => x.address === "coach@wijkteam.voorbeeldstad.example");
      assert.ok(coach?.reasons.some((x) => x.code === "ATTACHMENT_UNREADABLE" && x.message.includes(CLOUD_URL)), JSON.stringify(coach));
    }
  });

  it("When a meeting invite has the report attached, the GGD nurse (X500) required and the school's list optional, then both built files block it on the report's contents and stamp the meeting", async () => {
    for (const r of RUNTIMES) {
      const { stored, office } = await sendThrough(r.file, MEETING, "onAppointmentSendHandler");
      assert.equal(stored.verdict, "block", r.file);
      assert.deepEqual(stored.students.map((s) => s.name), ["Daan Jansen"], "named only in the attached PDF");
      assert.deepEqual(stored.attachments, [{ name: "verslag.pdf", status: "read", students: 1 }]);
      const addresses = stored.recipients.map((x) => x.address);
      for (const a of ["jgz@ggd-voorbeeldregio.example", `zorgteam@${SCHOOL}`, "dyslexie@letterwijs.example", ROOM]) assert.ok(addresses.includes(a), `${a} in ${addresses.join()}`);
      assert.match(String(office.double.customProperties.get("zvCheck") ?? ""), /^chk_/, "the meeting carries its check");
    }
  });
});

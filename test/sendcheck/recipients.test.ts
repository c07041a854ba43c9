import assert from "node:assert/strict";
import { startStack, type Stack } from "../support/stack.js";
import { demoImport } from "../../server/demo/data.js";
import { ENTRA_AUTHORITY, ENTRA_CLIENT_ID, ENTRA_TENANT, entraStackOptions, FakeAuthority, makeKey, mint, startGraphStub, startJwks, type TestKey } from "../identity/support.js";
import { directoryRoutes, X500_COLLEAGUE, X500_CONTACT, X500_GGD, X500_NOBODY } from "./directory-stub.js";

/**
 * Every recipient accounted for (issue #14 item 1), over real HTTP against the real server in Entra ID
 * mode, with Microsoft Graph as a local stub: X500 addresses through proxyAddresses, the alias in the
 * DN, the sender's own contacts; distribution lists expanded through transitiveMembers (guests too);
 * what stays unresolved is an unknown recipient, and a mail with no usable recipient is blocked.
 */

const TENANT = ENTRA_TENANT;
const CLIENT_ID = ENTRA_CLIENT_ID;
const AUTHORITY = ENTRA_AUTHORITY;
interface CheckView {
  checkId: string;
  verdict: string;
  message: string;
  students: { id: string }[];
  recipients: { address: string; kind: string; verdict: string; type?: string; name?: string; via?: string; reasons: { code: string; message: string }[] }[];
}

describe("Every recipient accounted for: X500, contacts, names and lists through Graph (stub), over HTTP", function () {
  this.timeout(60_000);
  let stack: Stack;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let graph: Awaited<ReturnType<typeof startGraphStub>>;
  let authority: FakeAuthority;
  let key: TestKey;
  let token: string;

  const check = (body: unknown) => stack.api<CheckView>("POST", "/api/check", body, { token, headers: { "accept-language": "nl" } });
  const filterOf = (path: string): string => new URL(path, "http://x").searchParams.get("$filter") ?? "";
  const pathOf = (path: string): string => new URL(path, "http://x").pathname;

  before(async () => {
    key = await makeKey();
    jwks = await startJwks();
    jwks.keys.push(key.jwk);
    graph = await startGraphStub(directoryRoutes(() => graph.base));
    authority = new FakeAuthority();
    stack = await startStack(entraStackOptions({ jwks, graph, authority }));
    token = await mint(key, { issuer: `${AUTHORITY}/${TENANT}/v2.0`, audience: CLIENT_ID, tid: TENANT, oid: "oid-ib", roles: ["coordinator"] });
    const imported = await stack.api("POST", "/api/import", demoImport(), { token });
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
  });

  after(async () => {
    await stack?.stop();
    await graph?.close();
    await jwks?.close();
  });

  beforeEach(() => {
    graph.calls.length = 0;
    authority.tokenCalls.length = 0;
  });

  const mail = (to: unknown[], extra: Record<string, unknown> = {}) => ({ to, subject: "Verslag Jan de Vries", body: "Zie het verslag.", ...extra });

  it("[R-RCPT-UNRESOLVED] When Outlook gives the X500 address of a user, then Graph's proxyAddresses resolve it on behalf of the sender, and the party's rules apply", async () => {
    const r = await check(mail([{ address: X500_GGD, name: "JGZ Verpleegkundige", type: "externalUser" }]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const rec = r.json.recipients[0];
    assert.equal(rec?.address, "jgz@ggd-voorbeeldregio.example");
    assert.equal(rec?.kind, "party");
    assert.equal(rec?.type, "externalUser");
    assert.equal(rec?.name, "JGZ Verpleegkundige");
    assert.equal(r.json.verdict, "block", "no consent of Jan's parents for the GGD");
    assert.ok(rec?.reasons.some((x) => x.code === "NO_CONSENT"));
    // On behalf of the sender (OBO with the caller's own token), with the directory scopes.
    assert.equal(authority.tokenCalls[0]?.assertion, token);
    assert.ok(authority.tokenCalls[0]?.scope.includes("https://graph.microsoft.com/User.Read.All"));
    assert.ok(graph.calls.some((c) => filterOf(c.path) === `proxyAddresses/any(x:x eq 'X500:${X500_GGD}')`));
  });

  it("When the DN has no X500 proxy address, then the alias at its end finds the colleague by mailNickname (internal, allowed)", async () => {
    const r = await check(mail([{ address: X500_COLLEAGUE, name: "Mentor Groep 7", type: "user" }]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.recipients.map((x) => [x.address, x.kind, x.verdict]), [["mentor7@regenboog.school.example", "internal", "allow"]]);
    assert.equal(r.json.verdict, "allow");
  });

  it("When the X500 address is a personal contact's, then the sender's contacts give its SMTP address", async () => {
    const r = await check(mail([{ address: X500_CONTACT, name: "Wijkcoach", type: "externalUser" }]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.recipients[0]?.address, "coach@wijkteam.voorbeeldstad.example");
    assert.equal(r.json.recipients[0]?.kind, "party");
    assert.equal(r.json.verdict, "block");
    assert.ok(graph.calls.some((c) => pathOf(c.path) === "/v1.0/me/contacts"));
  });

  it("[R-RCPT-LIST] When a distribution list is addressed, then its members (nested, paged, guests included) are checked one by one and the list gets the need-to-know warning", async () => {
    const r = await check(mail([{ address: "zorgteam@regenboog.school.example", name: "Zorgteam", type: "distributionList" }]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const byAddress = new Map(r.json.recipients.map((x) => [x.address, x]));
    assert.deepEqual([...byAddress.keys()], ["zorgteam@regenboog.school.example", "ib@regenboog.school.example", "dyslexie@letterwijs.example"]);
    assert.ok(byAddress.get("zorgteam@regenboog.school.example")?.reasons.some((x) => x.code === "INTERNAL_LIST" && /moeten weten/.test(x.message)));
    assert.equal(byAddress.get("ib@regenboog.school.example")?.via, "zorgteam@regenboog.school.example");
    assert.equal(byAddress.get("dyslexie@letterwijs.example")?.kind, "party", "the guest on the internal list is an outside party");
    assert.equal(byAddress.get("dyslexie@letterwijs.example")?.verdict, "block");
    assert.equal(r.json.verdict, "block");
  });

  it("When an internal list is addressed, then the list entry itself is a need-to-know warning, not an allow", async () => {
    const r = await check(mail([{ address: "zorgteam@regenboog.school.example", type: "distributionList" }], { bcc: [] }));
    const list = r.json.recipients.find((x) => x.address === "zorgteam@regenboog.school.example");
    assert.equal(list?.verdict, "warn");
  });

  it("When a list's membership is hidden, then the list is an unresolved recipient whose message says how to fix it", async () => {
    const r = await check(mail([{ address: "geheim@regenboog.school.example", type: "distributionList" }, "mentor7@regenboog.school.example"]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const list = r.json.recipients.find((x) => x.address === "geheim@regenboog.school.example");
    assert.equal(list?.kind, "unknown");
    assert.equal(list?.verdict, "block");
    assert.match(list?.reasons[0]?.message ?? "", /verborgen of dynamisch.*Kies het adres opnieuw uit de lijst/);
  });

  it("When a typed name matches two users, then it stays unresolved (ambiguous), never guessed", async () => {
    const r = await check(mail([{ address: "Twee Dezelfden", name: "Twee Dezelfden", type: "other" }, "mentor7@regenboog.school.example"]));
    const rec = r.json.recipients.find((x) => x.address === "twee dezelfden");
    assert.equal(rec?.verdict, "block");
    assert.match(rec?.reasons[0]?.message ?? "", /meer dan één persoon/);
  });

  it("[R-RCPT-NONE-USABLE] When the only recipient is an X500 address nobody resolves, then the mail is blocked, even when it names no student", async () => {
    for (const subject of ["Verslag Jan de Vries", "Vergadering dinsdag"]) {
      const r = await check({ to: [{ address: X500_NOBODY, name: "Weg", type: "externalUser" }], subject, body: "" });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.verdict, "block", subject);
      assert.match(r.json.message, /Geen enkele ontvanger.*Kies de adressen opnieuw uit de lijst/);
      assert.equal(r.json.recipients[0]?.reasons[0]?.code, "UNRESOLVED_RECIPIENT");
      // The on-send handler's recording check of it is kept for "Take action" (a query writes nothing).
      const recorded = await stack.api<CheckView>("POST", "/api/check", { to: [{ address: X500_NOBODY, name: "Weg", type: "externalUser" }], subject, body: "", mode: "send" }, {
        token,
        headers: { "accept-language": "nl", "idempotency-key": `zv-send-nobody-${subject.length}` },
      });
      assert.equal(recorded.json.verdict, "block");
      const stored = await stack.api("GET", `/api/checks/${recorded.json.checkId}`, undefined, { token });
      assert.equal(stored.status, 200);
    }
  });

  it("When a mail has no recipients at all, then it is blocked, never allowed", async () => {
    const r = await check({ to: [], subject: "Vergadering", body: "" });
    assert.equal(r.json.verdict, "block");
  });

  it("When recipients come as plain strings (the first API), then they are still accepted and need no Graph call", async () => {
    const r = await check(mail(["mentor7@regenboog.school.example"]));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.verdict, "allow");
    assert.equal(graph.calls.length, 0);
  });
});

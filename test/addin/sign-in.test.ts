import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { challengeOf, TokenChain, TokenError, type Challenge, type TokenSource } from "../../src/addin/auth/chain.js";
import { officeSsoSource, type SsoOptions } from "../../src/addin/auth/office-sso.js";
import { hostSupportsNaa } from "../../src/addin/auth/naa.js";
import { configure, resolveConfig } from "../../src/addin/onsend/config.js";
import { createOnMessageSendHandler } from "../../src/addin/onsend/handler.js";
import type { OfficeLike } from "../../src/addin/onsend/office.js";
import { handlerTokenChain, preferTokenSource } from "../../src/addin/onsend/token.js";
import { useCannedApi } from "./support/canned-api.js";
import { makeEvent, makeOffice, type FakeOffice } from "./support/fake-office.js";
import { assertEs2016 } from "../../scripts/check-es2016.js";

const root = path.resolve(import.meta.dirname, "../..");

/** A source that answers (or fails) and counts its calls. */
function source(name: TokenSource["name"], answer: string | Error, challenge?: (c: Challenge) => Promise<string>): TokenSource & { calls: number } {
  const s: TokenSource & { calls: number } = {
    name,
    calls: 0,
    acquire() {
      s.calls++;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  if (challenge) s.challenge = challenge;
  return s;
}

describe("Sign-in order (src/addin/auth): nested app authentication, then Office SSO, then the dev token", () => {
  it("When NAA gives a token, then neither Office SSO nor the dev token is asked", async () => {
    const naa = source("naa", "t-naa");
    const sso = source("office-sso", "t-sso");
    const dev = source("dev", "t-dev");
    const chain = new TokenChain([naa, sso, dev]);
    assert.equal(await chain.acquire(), "t-naa");
    assert.deepEqual([naa.calls, sso.calls, dev.calls], [1, 0, 0]);
    assert.equal(chain.lastSource, "naa");
  });

  it("When NAA fails (host without NestedAppAuth, no account), then Office SSO is next; when that fails too, the dev token", async () => {
    const naa = source("naa", new Error("no NAA"));
    const sso = source("office-sso", new Error("13012"));
    const dev = source("dev", "t-dev");
    assert.equal(await new TokenChain([naa, source("office-sso", "t-sso"), dev]).acquire(), "t-sso");
    const chain = new TokenChain([naa, sso, dev]);
    assert.equal(await chain.acquire(), "t-dev");
    assert.equal(chain.lastSource, "dev");
  });

  it("When every source fails, then a TokenError (the handler's 'auth' failure), never an empty token", async () => {
    await assert.rejects(new TokenChain([source("naa", new Error("x")), source("office-sso", new Error("y"))]).acquire(), TokenError);
  });

  it("When the last source fails because the backend cannot be reached (the dev token's fetch), then that network error comes through, not a sign-in failure", async () => {
    const down = new TypeError("fetch failed");
    await assert.rejects(new TokenChain([source("office-sso", new Error("13012")), source("dev", down)]).acquire(), (e) => e === down);
  });

  it("When the handler's chain is built, then it is [naa, office-sso, dev] with the browser runtime's NAA, [office-sso, dev] without (classic), and no dev source outside dev mode", () => {
    const deps = { fetchImpl: fetch };
    const cfg = (devMode: boolean) => ({ apiBaseUrl: "https://zorg.example.nl", devMode, devRoles: ["coordinator"] });
    try {
      assert.deepEqual(handlerTokenChain(cfg(true), deps).names(), ["office-sso", "dev"]);
      assert.deepEqual(handlerTokenChain(cfg(false), deps).names(), ["office-sso"]);
      preferTokenSource(source("naa", "t"));
      assert.deepEqual(handlerTokenChain(cfg(true), deps).names(), ["naa", "office-sso", "dev"]);
    } finally {
      preferTokenSource(undefined);
    }
  });

  it("When a challenge is answered, then the first source that can prompt gets the claims, and its token is used next", async () => {
    const seen: SsoOptions[] = [];
    const auth = { getAccessToken: (o?: SsoOptions) => (seen.push(o ?? {}), Promise.resolve(o?.authChallenge ? "t-after-mfa" : "t-before")) };
    const chain = new TokenChain([source("naa", new Error("no NAA")), officeSsoSource(() => auth, true)]);
    assert.equal(await chain.acquire(), "t-before");
    assert.equal(await chain.challenge({ kind: "interaction", claims: '{"access_token":{}}' }), "t-after-mfa");
    assert.equal(await chain.acquire(), "t-after-mfa", "the new token, not the cached old one");
    assert.deepEqual(seen[1], { allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false, authChallenge: '{"access_token":{}}' });
  });

  it("When Office SSO runs in an event handler, then it never allows a prompt and cannot answer a challenge", async () => {
    const seen: SsoOptions[] = [];
    const s = officeSsoSource(() => ({ getAccessToken: (o?: SsoOptions) => (seen.push(o ?? {}), Promise.resolve("t")) }), false);
    await s.acquire();
    assert.deepEqual(seen, [{ allowSignInPrompt: false, allowConsentPrompt: false, forMSGraphAccess: false }]);
    assert.equal(s.challenge, undefined);
    await assert.rejects(new TokenChain([s]).challenge({ kind: "consent" }), TokenError);
  });

  it("When the backend's error is read, then INTERACTION_REQUIRED carries its claims, CONSENT_REQUIRED is a consent, anything else is no challenge", () => {
    assert.deepEqual(challengeOf("INTERACTION_REQUIRED", { claims: "{}" }), { kind: "interaction", claims: "{}" });
    assert.deepEqual(challengeOf("INTERACTION_REQUIRED", undefined), { kind: "interaction" });
    assert.deepEqual(challengeOf("CONSENT_REQUIRED", { reason: "consent_required" }), { kind: "consent" });
    assert.equal(challengeOf("TOKEN_EXPIRED", undefined), undefined);
  });

  it("When the host does not offer NestedAppAuth 1.1 (or throws asking), then NAA is not used", () => {
    const host = (v: boolean | Error) => ({ context: { requirements: { isSetSupported: (n: string) => { if (v instanceof Error) throw v; return v && n === "NestedAppAuth"; } } } });
    assert.equal(hostSupportsNaa(host(true)), true);
    assert.equal(hostSupportsNaa(host(false)), false);
    assert.equal(hostSupportsNaa(host(new Error("old host"))), false);
    assert.equal(hostSupportsNaa(undefined), false);
  });

  it("When the backend names its Entra app (config.js), then the add-in has the client id and scope NAA asks for", () => {
    try {
      configure({ apiBaseUrl: "https://zorg.example.nl", clientId: "0c4b1f6e-2d3a-4e5f-8a9b-7c6d5e4f3a2b", apiScope: "api://zorg.example.nl/0c4b1f6e-2d3a-4e5f-8a9b-7c6d5e4f3a2b/access_as_user" });
      const c = resolveConfig();
      assert.equal(c.clientId, "0c4b1f6e-2d3a-4e5f-8a9b-7c6d5e4f3a2b");
      assert.match(c.apiScope ?? "", /\/access_as_user$/);
    } finally {
      configure(undefined);
    }
  });

  it("When the handlers are built, then classic Outlook's onsend.js holds no MSAL, stays ES2016 and under 30 KB, and the browser runtime's onsend-web.js holds NAA", () => {
    const classic = readFileSync(path.join(root, "dist/addin/onsend.js"), "utf8");
    const web = readFileSync(path.join(root, "dist/addin/onsend-web.js"), "utf8");
    assert.ok(Buffer.byteLength(classic) < 30 * 1024, `${Buffer.byteLength(classic)} bytes`);
    assertEs2016(classic, "onsend.js");
    assert.doesNotMatch(classic, /NestedAppAuth|msal/i);
    assert.match(web, /NestedAppAuth/);
    assert.match(web, /onMessageSendHandler/);
  });
});

describe("On-send handler: the backend asks to sign in again or to consent (canned API over HTTP)", function () {
  this.timeout(20_000);
  const api = useCannedApi();
  const MAIL = { to: ["jgz@ggd-regio.nl"], subject: "Verslag Daan de Vries", body: "Bijgaand het verslag." };


  async function send(office: FakeOffice) {
    const handler = createOnMessageSendHandler({ office: () => office as unknown as OfficeLike });
    const ev = makeEvent();
    handler(ev);
    await ev.first;
    await new Promise((r) => setTimeout(r, 100));
    return ev;
  }
  const answer = (status: number, code: string) => ({ kind: "json" as const, status, body: { error: { code, message: "x", details: code === "INTERACTION_REQUIRED" ? { claims: "{}" } : {} } } });

  it("When the check answers INTERACTION_REQUIRED, then sending is blocked once with a Dutch text that says to sign in through 'Actie ondernemen' (the task pane)", async () => {
    api.next = answer(401, "INTERACTION_REQUIRED");
    const ev = await send(makeOffice(MAIL));
    assert.equal(ev.calls.length, 1);
    const c = ev.calls[0] ?? {};
    assert.equal(c.allowEvent, false);
    assert.match(String(c.errorMessage), /opnieuw aanmelden/);
    assert.match(String(c.errorMessage), /Actie ondernemen/);
    assert.equal(c.commandId, "msgComposeCheckButton");
    assert.equal(c.contextData, JSON.stringify({ failure: "signin" }));
  });

  it("When the check answers CONSENT_REQUIRED, then the text asks for consent in the pane or from the administrator (English when Outlook is)", async () => {
    api.next = answer(403, "CONSENT_REQUIRED");
    const nl = (await send(makeOffice(MAIL))).calls[0] ?? {};
    assert.match(String(nl.errorMessage), /uw toestemming nodig/);
    assert.match(String(nl.errorMessage), /beheerder/);
    const en = (await send(makeOffice(MAIL, { displayLanguage: "en-US" }))).calls[0] ?? {};
    assert.match(String(en.errorMessage), /needs your consent/);
    assert.match(String(en.errorMessage), /administrator/);
    assert.equal(en.cancelLabel, "Take action");
  });

  it("When the school's fail mode is prompt and sign-in is needed, then the user may send anyway, told how to sign in", async () => {
    api.next = answer(401, "INTERACTION_REQUIRED");
    const c = (await send(makeOffice(MAIL, { roaming: { "zv.failMode": "prompt" } }))).calls[0] ?? {};
    assert.equal(c.sendModeOverride, "promptUser");
    assert.match(String(c.errorMessage), /Controleren/);
  });

  it("When the backend refuses the token itself (401 UNAUTHENTICATED), then it stays the general sign-in failure", async () => {
    api.next = answer(401, "UNAUTHENTICATED");
    const c = (await send(makeOffice(MAIL))).calls[0] ?? {};
    assert.equal(c.contextData, JSON.stringify({ failure: "auth" }));
  });
});

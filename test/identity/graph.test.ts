import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { generateKeyPairSync } from "node:crypto";
import { ConfigError, loadConfig } from "../../server/config.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "../../server/shared/errors.js";
import { GraphAuth, GraphClients, SCOPES, graphCall, retryAfterSeconds } from "../../server/graph/client.js";
import { fetchEvidence } from "../../server/graph/evidence.js";
import { sendConsentRequest } from "../../server/graph/consent-request.js";
import { LocalFolderBlobStore } from "../../server/graph/blob-store.js";
import { ENTRA_TEST_SECURITY } from "../support/stack.js";
import { FakeAuthority, sendJson, startGraphStub, type GraphRoute } from "./support.js";

const TENANT = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const CLIENT_ID = "6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
const USER_TOKEN = "incoming.api.token-of-the-coordinator";

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

describe("Microsoft Graph through MSAL (fake authority) and the real Graph client (local stub)", () => {
  let stub: Awaited<ReturnType<typeof startGraphStub>>;
  let authority: FakeAuthority;
  let clients: GraphClients;
  const waits: number[] = [];
  const routes: GraphRoute[] = [];

  before(async () => {
    stub = await startGraphStub([(call, res) => routes.some((r) => r(call, res) === true)]);
  });
  after(async () => stub.close());
  beforeEach(() => {
    routes.length = 0;
    stub.calls.length = 0;
    waits.length = 0;
    authority = new FakeAuthority();
    const auth = new GraphAuth({ clientId: CLIENT_ID, authorityHost: "https://login.microsoftonline.com", clientSecret: "test-secret", networkClient: authority });
    clients = new GraphClients(auth, stub.base, {
      maxRetries: 3,
      maxRetryAfterSeconds: 30,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });

  it("When Graph is called twice for the same user, then the OBO token comes from MSAL's cache the second time (one token request)", async () => {
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 200, { id: "me" }) : false));
    const graph = clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence);
    await graphCall(() => graph.api("/me").get() as Promise<unknown>);
    await graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>);
    assert.equal(authority.tokenCalls.length, 1, "one token request");
    const call = authority.tokenCalls[0];
    assert.equal(call?.grantType, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert.equal(call?.assertion, USER_TOKEN);
    assert.equal(call?.credential, "secret");
    assert.match(call?.url ?? "", new RegExp(`/${TENANT}/oauth2/v2.0/token(\\?|$)`));
    assert.ok(call?.scope.includes("https://graph.microsoft.com/Mail.Read"));
    assert.deepEqual(
      stub.calls.map((c) => c.authorization),
      ["Bearer graph-token-1", "Bearer graph-token-1"],
      "the bearer token reaches Graph on plain http too",
    );
  });

  it("When another user calls, then a new OBO token is requested for that user", async () => {
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 200, { id: "me" }) : false));
    await graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>);
    await graphCall(() => clients.forUser(TENANT, "another-user-token", SCOPES.evidence).api("/me").get() as Promise<unknown>);
    assert.equal(authority.tokenCalls.length, 2);
  });

  it("When the app token is asked twice (client credentials), then the second comes from the cache", async () => {
    routes.push((c, res) => (c.path.startsWith("/v1.0/education/schools") ? sendJson(res, 200, { value: [] }) : false));
    await graphCall(() => clients.forApp(TENANT).api("/education/schools").get() as Promise<unknown>);
    await graphCall(() => clients.forApp(TENANT).api("/education/schools").get() as Promise<unknown>);
    assert.equal(authority.tokenCalls.length, 1);
    assert.equal(authority.tokenCalls[0]?.grantType, "client_credentials");
    assert.ok(authority.tokenCalls[0]?.scope.includes("https://graph.microsoft.com/.default"));
  });

  it("When Graph answers 429 with Retry-After, then the call waits that long and is retried", async () => {
    let n = 0;
    routes.push((c, res) => {
      if (c.path !== "/v1.0/me") return false;
      n++;
      return n === 1 ? sendJson(res, 429, { error: { code: "TooManyRequests", message: "slow down" } }, { "Retry-After": "2" }) : sendJson(res, 200, { id: "me" });
    });
    const me = (await graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<{ id: string }>));
    assert.equal(me.id, "me");
    assert.equal(n, 2);
    assert.deepEqual(waits, [2000]);
  });

  it("When Graph keeps throttling or asks for a wait beyond the bound, then the retries stop and 429 RATE_LIMITED is answered", async () => {
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 429, { error: { code: "TooManyRequests", message: "x" } }, { "Retry-After": "1" }) : false));
    const e = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e.status, 429);
    assert.equal(e.code, "RATE_LIMITED");
    assert.equal(waits.length, 3, "bounded: three retries");
    waits.length = 0;
    routes.length = 0;
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 429, { error: { code: "TooManyRequests", message: "x" } }, { "Retry-After": "3600" }) : false));
    const e2 = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e2.code, "RATE_LIMITED");
    assert.deepEqual(waits, [], "an hour is not waited for");
    assert.equal(e2.headers?.["Retry-After"], "3600");
  });

  it("When Graph answers 500, then a clear 502 GRAPH_ERROR is raised (and 503 is retried first)", async () => {
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 500, { error: { code: "generalException", message: "boom" } }) : false));
    const e = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e.status, 502);
    assert.equal(e.code, "GRAPH_ERROR");
    assert.match(e.message, /Microsoft Graph is unavailable \(HTTP 500\).*generalException/);
    assert.equal(stub.calls.length, 1, "500 is not retried");
    routes.length = 0;
    stub.calls.length = 0;
    routes.push((c, res) => (c.path === "/v1.0/me" ? sendJson(res, 503, { error: { code: "serviceNotAvailable", message: "x" } }) : false));
    const e2 = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e2.status, 502);
    assert.equal(stub.calls.length, 4, "503 is retried three times");
  });

  it("When Graph cannot be reached, then 502 GRAPH_ERROR", async () => {
    const dead = new GraphClients(new GraphAuth({ clientId: CLIENT_ID, authorityHost: "https://login.microsoftonline.com", clientSecret: "s", networkClient: authority }), "http://127.0.0.1:1/v1.0", { maxRetries: 0, maxRetryAfterSeconds: 0 });
    const e = await rejection(graphCall(() => dead.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e.code, "GRAPH_ERROR");
    assert.equal(e.status, 502);
  });

  it("When Entra answers consent_required (AADSTS65001), then 403 CONSENT_REQUIRED and Graph is not called", async () => {
    authority.fail = {
      error: "invalid_grant",
      error_description: "AADSTS65001: The user or administrator has not consented to use the application.",
      suberror: "consent_required",
      error_codes: [65001],
    };
    const e = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e.status, 403);
    assert.equal(e.code, "CONSENT_REQUIRED");
    assert.equal(stub.calls.length, 0);
  });

  it("When Entra asks for multi-factor sign-in (interaction_required with claims), then 401 INTERACTION_REQUIRED carrying the claims", async () => {
    authority.fail = {
      error: "invalid_grant",
      error_description: "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.",
      suberror: "basic_action",
      error_codes: [50076],
      claims: '{"access_token":{"capolids":{"essential":true,"values":["x"]}}}',
    };
    const e = await rejection(graphCall(() => clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence).api("/me").get() as Promise<unknown>));
    assert.equal(e.status, 401);
    assert.equal(e.code, "INTERACTION_REQUIRED");
    assert.deepEqual((e.details as { claims?: string }).claims, '{"access_token":{"capolids":{"essential":true,"values":["x"]}}}');
  });

  it("When the evidence is fetched, then its hash is the SHA-256 of the MIME Graph served, and the message identity comes from Graph", async () => {
    const mime = Buffer.from(
      "From: Ouder <ouder@example.nl>\r\nTo: ib@school.example\r\nSubject: Re: Toestemming\r\nMessage-ID: <abc123@example.nl>\r\nIn-Reply-To: <req-1@school.example>\r\n\r\nJa, ik geef toestemming.\r\n\u00e9\r\n",
      "utf8",
    );
    const id = "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A-id_with-chars=";
    routes.push((c, res) => {
      if (c.path.startsWith(`/v1.0/me/messages/${encodeURIComponent(id)}/$value`)) {
        res.statusCode = 200;
        res.setHeader("content-type", "text/plain");
        res.end(mime);
        return true;
      }
      if (c.path.startsWith(`/v1.0/me/messages/${encodeURIComponent(id)}`))
        return sendJson(res, 200, {
          id,
          internetMessageId: "<abc123@example.nl>",
          from: { emailAddress: { name: "Ouder", address: "Ouder@Example.nl" } },
          sender: { emailAddress: { name: "Ouder", address: "ouder@example.nl" } },
          receivedDateTime: "2025-03-04T09:15:00Z",
          bodyPreview: "Ja, ik geef toestemming.",
          internetMessageHeaders: [{ name: "In-Reply-To", value: "<req-1@school.example>" }],
        });
      return false;
    });
    const dir = await mkdtemp(path.join(tmpdir(), "zv-evidence-"));
    try {
      const store = new LocalFolderBlobStore(dir);
      const graph = clients.forUser(TENANT, USER_TOKEN, SCOPES.evidence);
      const ev = await fetchEvidence(graph, id, { tenantId: TENANT, keep: true, store });
      const expected = createHash("sha256").update(mime).digest("hex");
      assert.equal(ev.sha256, expected);
      assert.equal(ev.hashSource, "server-mime");
      assert.equal(ev.messageId, "<abc123@example.nl>");
      assert.equal(ev.sender, "ouder@example.nl");
      assert.equal(ev.date, "2025-03-04T09:15:00.000Z");
      assert.equal(ev.inReplyTo, "<req-1@school.example>");
      assert.ok(ev.mime?.equals(mime));
      assert.ok(ev.storedAs);
      assert.ok((await readFile(path.join(dir, TENANT, `${expected}.eml`))).equals(mime), "the kept MIME is the served MIME");
      for (const c of stub.calls) assert.equal(c.prefer, 'IdType="ImmutableId"');

      const notKept = await fetchEvidence(graph, id, { tenantId: TENANT, keep: false });
      assert.equal(notKept.sha256, expected, "the hash is always there");
      // The MIME stays in memory for the caller (to keep later, once the consent is recorded), never stored.
      assert.ok(notKept.mime?.equals(mime));
      assert.equal(notKept.storedAs, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("When a consent request is sent, then a draft is created and sent, and the draft's Internet Message-ID is returned", async () => {
    routes.push((c, res) => {
      if (c.method === "POST" && c.path === "/v1.0/me/messages")
        return sendJson(res, 201, { id: "draft-1", internetMessageId: "<draft-1@school.example>", isDraft: true });
      if (c.method === "POST" && c.path === "/v1.0/me/messages/draft-1/send") {
        res.statusCode = 202;
        res.end();
        return true;
      }
      return false;
    });
    const graph = clients.forUser(TENANT, USER_TOKEN, SCOPES.consentRequest);
    const sent = await sendConsentRequest(graph, { to: ["ouder@example.nl"], subject: "Toestemming gevraagd", bodyHtml: "<p>Wie wij zijn ...</p>" });
    assert.deepEqual(sent, { internetMessageId: "<draft-1@school.example>", graphMessageId: "draft-1" });
    assert.deepEqual(stub.calls.map((c) => `${c.method} ${c.path}`), ["POST /v1.0/me/messages", "POST /v1.0/me/messages/draft-1/send"]);
    const draft = JSON.parse(stub.calls[0]?.body ?? "{}") as { subject: string; body: { contentType: string }; toRecipients: { emailAddress: { address: string } }[] };
    assert.equal(draft.subject, "Toestemming gevraagd");
    assert.equal(draft.body.contentType, "HTML");
    assert.deepEqual(draft.toRecipients, [{ emailAddress: { address: "ouder@example.nl" } }]);
    assert.ok(authority.tokenCalls[0]?.scope.includes("Mail.Send"));
  });

  it("When the app uses a certificate (ENTRA_CERT_PATH), then MSAL signs a client assertion with it; an unreadable file is a configuration error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "zv-cert-"));
    try {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const file = path.join(dir, "app.pem");
      await writeFile(file, privateKey.export({ type: "pkcs8", format: "pem" }));
      const env = { NODE_ENV: "test", HOST: "127.0.0.1", ENTRA_CLIENT_ID: CLIENT_ID, ...ENTRA_TEST_SECURITY, ENTRA_CERT_PATH: file, ENTRA_CERT_THUMBPRINT: "AB:".repeat(31) + "AB" };
      const fake = new FakeAuthority();
      const auth = GraphAuth.fromConfig(loadConfig(env), fake);
      assert.ok(auth);
      await auth.appOnly(TENANT);
      assert.equal(fake.tokenCalls.length, 1);
      assert.equal(fake.tokenCalls[0]?.grantType, "client_credentials");
      assert.equal(fake.tokenCalls[0]?.credential, "certificate");
      assert.throws(() => GraphAuth.fromConfig(loadConfig({ ...env, ENTRA_CERT_PATH: path.join(dir, "missing.pem") })), ConfigError);
      assert.equal(GraphAuth.fromConfig(loadConfig({ NODE_ENV: "test" })), undefined, "dev mode: no Graph");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("When Retry-After is an HTTP date, then it is read as seconds from now", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    assert.equal(retryAfterSeconds("Wed, 01 Jan 2025 00:00:05 GMT", now), 5);
    assert.equal(retryAfterSeconds("7", now), 7);
    assert.equal(retryAfterSeconds("soon", now), undefined);
  });
});

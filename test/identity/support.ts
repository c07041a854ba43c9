import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from "jose";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

/** Test doubles for Microsoft identity and Graph: all local, keys made at test time. */

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function makeKey(kid = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

export interface MintOptions {
  issuer: string;
  audience: string;
  tid: string;
  roles?: string[];
  oid?: string;
  /** Seconds from now. */
  exp?: number;
  nbf?: number;
  extra?: JWTPayload;
}

export async function mint(key: TestKey, o: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // A user's delegated token as Teams desktop gets it (scp access_as_user, azp the Teams client).
  const delegated = { scp: "access_as_user", azp: "1fec8e78-bce4-4aaf-ab1b-5451cc387264" };
  return new SignJWT({ tid: o.tid, oid: o.oid ?? randomUUID(), roles: o.roles ?? ["coordinator"], ver: "2.0", ...delegated, ...(o.extra ?? {}) })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setIssuedAt(now - 5)
    .setNotBefore(now + (o.nbf ?? -5))
    .setExpirationTime(now + (o.exp ?? 3600))
    .sign(key.privateKey);
}

export interface Listening {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A local "login.microsoftonline.com" key endpoint: `/{tid}/discovery/v2.0/keys` (and /common). */
export async function startJwks(): Promise<Listening & { keys: JWK[]; fetches: string[] }> {
  const keys: JWK[] = [];
  const fetches: string[] = [];
  const l = await listen((req, res) => {
    const path = req.url ?? "";
    if (/^\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)) {
      fetches.push(path);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return Object.assign(l, { keys, fetches });
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export interface TokenCall {
  url: string;
  grantType: string;
  scope: string;
  assertion?: string;
  /** How the app proved itself: "secret" or "certificate" (a signed client assertion). */
  credential: "secret" | "certificate" | "none";
}

/**
 * A fake Entra authority answering MSAL through `system.networkClient` (no sockets): instance
 * discovery, OpenID configuration and the token endpoint. `fail` makes the next token calls fail
 * the way Entra does (e.g. invalid_grant + suberror consent_required, AADSTS65001).
 */
export class FakeAuthority implements INetworkModule {
  readonly tokenCalls: TokenCall[] = [];
  fail: { error: string; error_description: string; suberror?: string; error_codes?: number[]; claims?: string } | undefined;
  issued = 0;

  constructor(private readonly host = "login.microsoftonline.com") {}

  async sendGetRequestAsync<T>(url: string, _options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const u = new URL(url);
    if (u.pathname.endsWith("/discovery/instance")) {
      const tenant = /https:\/\/[^/]+\/([^/]+)\//.exec(u.searchParams.get("authorization_endpoint") ?? "")?.[1] ?? "common";
      return this.json({
        tenant_discovery_endpoint: `https://${this.host}/${tenant}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [{ preferred_network: this.host, preferred_cache: this.host, aliases: [this.host] }],
      });
    }
    const m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(u.pathname);
    if (m?.[1]) {
      const t = m[1];
      return this.json({
        token_endpoint: `https://${this.host}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `https://${this.host}/${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `https://${this.host}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `https://${this.host}/${t}/discovery/v2.0/keys`,
        issuer: `https://${this.host}/${t}/v2.0`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      });
    }
    return { status: 404, headers: {}, body: {} as T };
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const form = new URLSearchParams(options?.body ?? "");
    const credential = form.get("client_assertion") ? "certificate" : form.get("client_secret") ? "secret" : "none";
    const call: TokenCall = { url, grantType: form.get("grant_type") ?? "", scope: form.get("scope") ?? "", credential };
    const assertion = form.get("assertion");
    if (assertion) call.assertion = assertion;
    this.tokenCalls.push(call);
    if (this.fail) {
      const f = this.fail;
      return { status: 400, headers: { "content-type": "application/json" }, body: { ...f, timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() } as T };
    }
    this.issued++;
    return this.json({
      token_type: "Bearer",
      scope: call.scope.split(" ").filter((s) => s !== "openid" && s !== "profile" && s !== "offline_access").join(" "),
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `graph-token-${this.issued}`,
    });
  }

  private json<T>(body: unknown): NetworkResponse<T> {
    return { status: 200, headers: { "content-type": "application/json" }, body: body as T };
  }
}

export interface GraphCall {
  method: string;
  path: string;
  authorization: string | undefined;
  prefer: string | undefined;
  body: string;
}

export type GraphRoute = (call: GraphCall, res: ServerResponse) => boolean | void;

/** A local Graph: answers through `routes` (first that returns true), records every call. */
export async function startGraphStub(routes: GraphRoute[]): Promise<Listening & { calls: GraphCall[]; base: string }> {
  const calls: GraphCall[] = [];
  const l = await listen((req, res) => {
    void readBody(req).then((buf) => {
      const call: GraphCall = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        authorization: req.headers.authorization,
        prefer: typeof req.headers.prefer === "string" ? req.headers.prefer : undefined,
        body: buf.toString("utf8"),
      };
      calls.push(call);
      for (const r of routes) if (r(call, res) === true) return;
      res.statusCode = 404;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: { code: "ResourceNotFound", message: "no such route in the stub" } }));
    });
  });
  return Object.assign(l, { calls, base: `${l.url}/v1.0` });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(JSON.stringify(body));
  return true;
}

/** A student-system export as schools download it: BOM, CRLF, quotes, tussenvoegsel, two parents. */
export const SAMPLE_CSV =
  "\uFEFFleerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;ouder1_naam;ouder1_email;ouder1_gezag;ouder2_naam;ouder2_email;ouder2_gezag\r\n" +
  '1001;Jan;de;Vries;03-05-2014;groep 7;"Vries; Anna de";Anna@Example.nl;ja;Piet de Vries;piet@example.nl;nee\r\n' +
  '1002;"Noor ""Noortje""";van der;Berg;2013-11-20;groep 8;Els van der Berg;els@example.nl;Ja;;;\r\n' +
  "1003;Daan;;Jansen;31-02-2014;groep 6;Ria Jansen;ria@example.nl;ja;;;\r\n" +
  '1004;Zoë;;Bakker;01/09/2012;groep 8;Karin Bakker;karin@example.nl;;Tom Bakker;"tom@example.nl";j\r\n' +
  "\r\n";

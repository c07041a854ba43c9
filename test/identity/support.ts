import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from "jose";

/** Test doubles for Microsoft identity and Graph: all local, keys made at test time. */

// The local HTTP helpers and authority are shared with the dev tools (npm start's Graph simulation).
export { listen, readBody, FakeAuthority, type Listening, type TokenCall } from "../../scripts/dev/local-services.js";
import { listen, readBody, type FakeAuthority, type Listening } from "../../scripts/dev/local-services.js";
import { GraphAuth } from "../../server/graph/client.js";
import type { StackOptions } from "../support/stack.js";

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

/** The tenant, app registration and authority of the tests that run the real server in Entra ID mode. */
export const ENTRA_TENANT = "5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b";
export const ENTRA_CLIENT_ID = "0c4b1f6e-2d3a-4e5f-8a9b-7c6d5e4f3a2b";
export const ENTRA_AUTHORITY = "https://login.microsoftonline.com";

/**
 * The options of a stack in Entra ID mode with only the outside world faked: tokens checked against the
 * local JWKS server, Graph tokens from the fake authority behind MSAL, Graph itself the local stub.
 */
export function entraStackOptions(
  fakes: { jwks: Listening; graph: { base: string }; authority: FakeAuthority },
  more: { env?: Record<string, string>; distDir?: string } = {},
): StackOptions {
  return {
    env: {
      ENTRA_CLIENT_ID,
      ENTRA_CLIENT_SECRET: "x",
      PUBLIC_URL: "https://zorg.example.nl",
      ENTRA_JWKS_URL: `${fakes.jwks.url}/common/discovery/v2.0/keys`,
      ENTRA_ALLOWED_TENANTS: ENTRA_TENANT,
      GRAPH_BASE_URL: fakes.graph.base,
      GRAPH_MAX_RETRIES: "0",
      ...more.env,
    },
    graphAuth: new GraphAuth({ clientId: ENTRA_CLIENT_ID, authorityHost: ENTRA_AUTHORITY, clientSecret: "x", networkClient: fakes.authority }),
    ...(more.distDir ? { distDir: more.distDir } : {}),
  };
}

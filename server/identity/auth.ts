import type { RequestHandler, Request } from "express";
import {
  SignJWT,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  errors as joseErrors,
  type JWTVerifyGetKey,
  type JWK,
} from "jose";
import { randomUUID } from "node:crypto";
import { AppError, type ErrorCode } from "../shared/errors.js";
import { ROLES, type Role } from "../../contract/enums.js";

export { ROLES, type Role };

/** Who is calling: taken from a verified token only. */
export interface Principal {
  /** Object id of the user (oid), or the dev user name. Never shown in logs with a name. */
  userId: string;
  tenantId: string;
  roles: Role[];
  /**
   * The schools of the tenant the caller works for (issue 16): "all" (the board's privacy officer, a
   * board-wide claim, or a tenant without school mapping) or these school ids. Enforced once, in
   * server/http/api.ts, from the school scope every route declares.
   */
  schools: SchoolAccess;
}

export type SchoolAccess = "all" | readonly string[];

export function mayAccessSchool(access: SchoolAccess, schoolId: string): boolean {
  return access === "all" || access.includes(schoolId);
}

/**
 * The schools a verified token gives: the privacy officer every school; a `schools` claim (dev tokens:
 * ids or "*"); Entra group ids mapped in configuration (SCHOOL_GROUPS) and app roles "school.<id>".
 * Without any mapping configured (a single-school tenant, dev tokens without the claim) every school.
 */
export function schoolsOfClaims(payload: Record<string, unknown>, roles: readonly Role[], groupMap: ReadonlyMap<string, string>): SchoolAccess {
  if (roles.includes("privacy-officer")) return "all";
  const found = new Set<string>();
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  for (const s of strings(payload.schools)) found.add(s);
  for (const g of strings(payload.groups)) {
    const school = groupMap.get(g.toLowerCase());
    if (school) found.add(school);
  }
  for (const r of strings(payload.roles)) {
    const m = /^school\.([A-Za-z0-9._~:@-]{1,100})$/i.exec(r);
    if (m?.[1]) found.add(m[1]);
  }
  if (found.has("*")) return "all";
  if (found.size === 0 && groupMap.size === 0 && !Array.isArray(payload.schools)) return "all";
  return [...found];
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface JwtVerifierOptions {
  getKey: JWTVerifyGetKey;
  /** The expected issuer for the token's tenant. */
  issuerFor: (tenantId: string) => string;
  audience: string | string[];
  /** Empty: every tenant. */
  allowedTenants: string[];
  /** Roles given when a token carries none (dev convenience; Entra: none). */
  defaultRoles?: Role[];
  /** Entra: the delegated scope the token must carry in `scp` (app-only tokens have none: refused). */
  requiredScope?: string;
  /** Entra: the client apps (`azp`) that may call the API. */
  allowedClientApps?: string[];
  /** Group object id (lower case) -> school id or "*" (SCHOOL_GROUPS). */
  schoolGroups?: ReadonlyMap<string, string>;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
}

/**
 * Verified tokens kept per process: the exact token string, the principal it gave, and until when
 * (its `exp`, at most VERIFIED_TOKEN_MS after the verification). The on-send handler sends every mail's
 * check with the same token, and a signature check (RS256) is the largest piece of a check's CPU after
 * the storage calls. A token that failed is never kept; a kept one is used only before its own `exp`
 * (jose's 60 s leeway is for the first verification, never for a kept one) and within VERIFIED_TOKEN_MS,
 * which is shorter than the 24 hours jose keeps a tenant's signing keys: no token is accepted that a
 * fresh verification then would refuse, except by that leeway.
 */
export const VERIFIED_TOKEN_MS = 5 * 60_000;
const VERIFIED_TOKENS = 2_000;

/** A token may live at most this long (exp - iat): a token valid for years is refused. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/**
 * The Microsoft 365 hosts that get tokens for the API on the user's behalf (Teams SSO, Office SSO):
 * the `azp` of their tokens; the pre-authorized clients of docs/ENTRA.md.
 */
export const KNOWN_CLIENT_APPS = [
  "1fec8e78-bce4-4aaf-ab1b-5451cc387264", // Teams desktop and mobile
  "5e3ce6c0-2b1f-4285-8d4b-75ee78787346", // Teams on the web
  "ea5a67f6-b6f3-4338-b240-c655ddc3cc8e", // All Microsoft Office application endpoints
  "d3590ed6-52b3-4102-aeff-aad2292ab01c", // Microsoft Office / Outlook desktop / Microsoft 365 mobile
  "93d53678-613d-4013-afc1-62e9e444a0a5", // Office on the web
  "bc59ab01-8403-45c6-8796-ac3ef710b3e3", // Outlook on the web
  "4765445b-32c6-49b0-83e6-1d93765276ca", // Microsoft 365 app on the web
  "0ec893e0-5785-4de6-99da-4ed124e5296c", // Microsoft 365 app on the desktop
  "27922004-5251-4030-b22d-91ecd9a37ea4", // Outlook mobile
] as const;

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function authError(code: ErrorCode, message: string): AppError {
  return new AppError(401, code, message, undefined, { "WWW-Authenticate": `Bearer error="invalid_token"` });
}

/** One verification path for dev tokens and Entra ID tokens alike; only the options differ. */
export function createJwtVerifier(opts: JwtVerifierOptions): TokenVerifier {
  const now = opts.now ?? Date.now;
  const kept = new Map<string, { principal: Principal; until: number }>();
  // A copy per request: no handler can change what the next request of this token sees.
  const copy = (p: Principal): Principal => ({ ...p, roles: [...p.roles], schools: p.schools === "all" ? "all" : [...p.schools] });
  return {
    async verify(token: string): Promise<Principal> {
      const at = now();
      const hit = kept.get(token);
      if (hit) {
        kept.delete(token);
        if (at < hit.until) {
          kept.set(token, hit); // most recently used last
          return copy(hit.principal);
        }
      }
      return verifyNow(token, at);
    },
  };

  /** The full verification (signature, issuer, audience, times, scope, client app) at `at`; a valid token is kept. */
  async function verifyNow(token: string, at: number): Promise<Principal> {
    let tid: unknown;
    try {
      tid = decodeJwt(token).tid;
    } catch {
      throw authError("TOKEN_INVALID", "The access token is malformed");
    }
    if (typeof tid !== "string" || !TENANT_ID.test(tid)) throw authError("TOKEN_INVALID", "The access token has no tenant id");
    if (opts.allowedTenants.length > 0 && !opts.allowedTenants.includes(tid.toLowerCase()))
      throw new AppError(401, "TENANT_NOT_ALLOWED", "This organisation is not allowed to use this service");
    try {
      const { payload } = await jwtVerify(token, opts.getKey, {
        issuer: opts.issuerFor(tid),
        audience: opts.audience,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "iat", "tid"],
        clockTolerance: 60,
        currentDate: new Date(at),
      });
      const userId = typeof payload.oid === "string" ? payload.oid : payload.sub;
      if (!userId) throw authError("TOKEN_INVALID", "The access token names no user");
      if (typeof payload.iat !== "number" || typeof payload.exp !== "number" || payload.exp - payload.iat > MAX_TOKEN_LIFETIME_SECONDS)
        throw authError("TOKEN_INVALID", "The access token is valid for longer than 24 hours; such tokens are not accepted");
      if (opts.requiredScope !== undefined) {
        // App-only tokens (client credentials) carry roles but no delegated scope, and idtyp "app".
        const scopes = typeof payload.scp === "string" ? payload.scp.split(" ") : [];
        if (payload.idtyp === "app" || !scopes.includes(opts.requiredScope))
          throw authError("TOKEN_INVALID", "The access token is not a user's delegated token for this API (scope missing; app-only tokens are refused)");
      }
      if (opts.allowedClientApps !== undefined) {
        const azp = typeof payload.azp === "string" ? payload.azp.toLowerCase() : "";
        if (!opts.allowedClientApps.includes(azp))
          throw authError("TOKEN_INVALID", "The access token was issued to an app that may not call this API");
      }
      const claimed = Array.isArray(payload.roles) ? payload.roles : [];
      let roles = claimed
        .filter((r): r is string => typeof r === "string")
        .map((r) => r.toLowerCase())
        .filter((r): r is Role => (ROLES as readonly string[]).includes(r));
      if (roles.length === 0 && opts.defaultRoles) roles = opts.defaultRoles;
      const principal: Principal = { userId, tenantId: tid.toLowerCase(), roles, schools: schoolsOfClaims(payload, roles, opts.schoolGroups ?? new Map()) };
      const until = Math.min(payload.exp * 1000, at + VERIFIED_TOKEN_MS);
      if (at < until) {
        kept.set(token, { principal: copy(principal), until });
        if (kept.size > VERIFIED_TOKENS) {
          const oldest = kept.keys().next();
          if (!oldest.done) kept.delete(oldest.value);
        }
      }
      return principal;
    } catch (err) {
      throw mapJoseError(err);
    }
  }
}

function mapJoseError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof joseErrors.JWTExpired) return authError("TOKEN_EXPIRED", "The access token has expired; sign in again");
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "nbf" || err.claim === "iat") return authError("TOKEN_NOT_YET_VALID", "The access token is not valid yet");
    if (err.claim === "aud") return authError("TOKEN_WRONG_AUDIENCE", "The access token is meant for another service");
    if (err.claim === "iss") return authError("TOKEN_WRONG_ISSUER", "The access token comes from an unexpected issuer");
    return authError("TOKEN_INVALID", "The access token is missing a required claim");
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) return authError("TOKEN_UNKNOWN_KEY", "The access token is signed with an unknown key");
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid)
    return new AppError(503, "STORAGE_UNAVAILABLE", "The sign-in keys could not be fetched; try again shortly");
  return authError("TOKEN_INVALID", "The access token is not valid");
}

/** Dev mode: the server makes its own signing key at start and issues tokens for local use. */
export class DevIssuer {
  static readonly ISSUER = "https://zorgvuldig.local/dev";
  static readonly AUDIENCE = "api://zorgvuldig-dev";
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly jwk: JWK,
  ) {}

  static async create(): Promise<DevIssuer> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: "RS256", use: "sig" };
    return new DevIssuer(privateKey, jwk);
  }

  verifier(): TokenVerifier {
    return createJwtVerifier({
      getKey: createLocalJWKSet({ keys: [this.jwk] }),
      issuerFor: () => DevIssuer.ISSUER,
      audience: DevIssuer.AUDIENCE,
      allowedTenants: [],
    });
  }

  /** A dev token; `schools` is its school claim (default "*": every school of the tenant). */
  async issue(user: string, tenantId: string, roles: Role[], lifetimeSeconds = 8 * 3600, schools: readonly string[] = ["*"]): Promise<string> {
    return new SignJWT({ tid: tenantId, roles, oid: user, name: user, schools: [...schools] })
      .setProtectedHeader({ alg: "RS256", kid: this.jwk.kid ?? "dev" })
      .setIssuer(DevIssuer.ISSUER)
      .setAudience(DevIssuer.AUDIENCE)
      .setSubject(user)
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime(`${lifetimeSeconds}s`)
      .sign(this.privateKey);
  }
}

export interface EntraVerifierOptions {
  /** The API's application (client) id: tokens must be meant for it (`aud` = id or `api://id`). */
  clientId: string;
  /** https://login.microsoftonline.com, or a local server in tests. Issuer: `{authorityHost}/{tid}/v2.0`. */
  authorityHost: string;
  /** The tenants allowed to sign in: required, never empty (keys are fetched only for these). */
  allowedTenants: string[];
  /** Delegated scope required in `scp` (default access_as_user). */
  requiredScope?: string;
  /** Client apps (`azp`) allowed; default KNOWN_CLIENT_APPS and the API's own client id (nested app auth). */
  allowedClientApps?: string[];
  /** Fixed key set URL (all tenants); default: each tenant's `{authorityHost}/{tid}/discovery/v2.0/keys`. */
  jwksUrl?: string;
  /** No refetch within this time after a fetch (jose default 30 s); an unknown kid after it refetches. */
  jwksCooldownMs?: number;
  /** Key sets are cached this long at most (default 24 h). */
  jwksMaxAgeMs?: number;
  /** Group object id -> school id or "*" (SCHOOL_GROUPS). */
  schoolGroups?: ReadonlyMap<string, string>;
}

/** How many tenants' key sets are kept (oldest dropped first). */
const MAX_TENANT_KEY_SETS = 500;

/**
 * Entra ID v2 access tokens (Teams SSO, Office SSO, nested app auth): the same verification as dev
 * tokens (createJwtVerifier), with the tenant's published keys, Entra's issuer and the API's audience.
 * Key sets are cached by jose and refetched when a token names an unknown kid (key rollover).
 */
export function entraVerifier(opts: EntraVerifierOptions): TokenVerifier {
  const allowedTenants = opts.allowedTenants.map((t) => t.trim().toLowerCase()).filter(Boolean);
  // Never every tenant: an empty list would let any tenant's random tid trigger a key fetch.
  if (allowedTenants.length === 0) throw new Error("Entra mode needs an explicit tenant allow-list (ENTRA_ALLOWED_TENANTS)");
  const clientApps = (opts.allowedClientApps && opts.allowedClientApps.length > 0 ? opts.allowedClientApps : [...KNOWN_CLIENT_APPS, opts.clientId]).map((a) =>
    a.trim().toLowerCase(),
  );
  const host = opts.authorityHost.replace(/\/+$/, "");
  const remoteOpts = { cooldownDuration: opts.jwksCooldownMs ?? 30_000, cacheMaxAge: opts.jwksMaxAgeMs ?? 24 * 3600_000 };
  const fixed = opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl), remoteOpts) : undefined;
  const perTenant = new Map<string, JWTVerifyGetKey>();
  const keysFor = (tid: string): JWTVerifyGetKey => {
    if (fixed) return fixed;
    let ks = perTenant.get(tid);
    if (!ks) {
      ks = createRemoteJWKSet(new URL(`${host}/${encodeURIComponent(tid)}/discovery/v2.0/keys`), remoteOpts);
      if (perTenant.size >= MAX_TENANT_KEY_SETS) {
        const oldest = perTenant.keys().next();
        if (!oldest.done) perTenant.delete(oldest.value);
      }
      perTenant.set(tid, ks);
    }
    return ks;
  };
  const getKey: JWTVerifyGetKey = (header, token) => {
    // createJwtVerifier has checked that tid is a tenant id before asking for a key.
    const tid = tenantOfPayload(token.payload);
    if (!tid) throw authError("TOKEN_INVALID", "The access token has no tenant id");
    return keysFor(tid)(header, token);
  };
  return createJwtVerifier({
    getKey,
    issuerFor: (tid) => `${host}/${tid}/v2.0`,
    audience: [opts.clientId, `api://${opts.clientId}`],
    allowedTenants,
    requiredScope: opts.requiredScope ?? "access_as_user",
    allowedClientApps: clientApps,
    ...(opts.schoolGroups ? { schoolGroups: opts.schoolGroups } : {}),
  });
}

function tenantOfPayload(payload: string | Uint8Array): string | undefined {
  try {
    const text = typeof payload === "string" ? Buffer.from(payload, "base64url").toString("utf8") : Buffer.from(payload).toString("utf8");
    const claims = JSON.parse(text) as { tid?: unknown };
    return typeof claims.tid === "string" && TENANT_ID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

declare module "express-serve-static-core" {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(verifier: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m || !m[1]) {
      next(new AppError(401, "UNAUTHENTICATED", "Sign in first: this request carries no access token", undefined, { "WWW-Authenticate": "Bearer" }));
      return;
    }
    verifier.verify(m[1]).then(
      (p) => {
        req.principal = p;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** What each role may do: coordinators everything, staff the send check, viewers reading. */
const GRANTS: Record<Role, readonly Role[]> = {
  "privacy-officer": ["privacy-officer", "coordinator", "staff", "viewer"],
  coordinator: ["coordinator", "staff", "viewer"],
  staff: ["staff"],
  viewer: ["viewer"],
};

export function requireRole(needed: Role): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(new AppError(401, "UNAUTHENTICATED", "Sign in first"));
    if (!p.roles.some((r) => GRANTS[r].includes(needed)))
      return next(new AppError(403, "FORBIDDEN", `This needs the ${needed} role`));
    next();
  };
}

export function principalOf(req: Request): Principal {
  const p = req.principal;
  if (!p) throw new AppError(401, "UNAUTHENTICATED", "Sign in first");
  return p;
}

/** The caller's own bearer token (for calls made on their behalf, such as Microsoft Graph). */
export function bearerOf(req: Request): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) throw new AppError(401, "UNAUTHENTICATED", "Sign in first");
  return m[1];
}

import {
  Client,
  GraphClientError,
  GraphError,
  HTTPMessageHandler,
  type Context,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import {
  AuthError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  type Configuration,
  type INetworkModule,
} from "@azure/msal-node";
import { readFileSync } from "node:fs";
import { AppError, ConfigError } from "../shared/errors.js";

/** The settings Graph needs (a part of server/config.ts). */
export interface GraphConfig {
  ENTRA_CLIENT_ID?: string | undefined;
  ENTRA_CLIENT_SECRET?: string | undefined;
  ENTRA_CERT_PATH?: string | undefined;
  ENTRA_CERT_THUMBPRINT?: string | undefined;
  ENTRA_AUTHORITY_HOST: string;
  GRAPH_BASE_URL: string;
  GRAPH_MAX_RETRIES: number;
  GRAPH_MAX_RETRY_AFTER_SECONDS: number;
  EVIDENCE_DIR?: string | undefined;
}

/**
 * Microsoft Graph for Zorgvuldig: tokens from MSAL (on-behalf-of the signed-in user, or the app itself
 * for School Data Sync), and a Graph client with our own middleware chain:
 *
 *   status mapping -> bearer token -> retry (429/503/504, Retry-After honoured, bounded) -> fetch
 *
 * Every failure leaves as an AppError with a stable code (GRAPH_ERROR, CONSENT_REQUIRED,
 * INTERACTION_REQUIRED, RATE_LIMITED, NOT_FOUND), so clients know whether to retry or to prompt.
 * Nothing from a message (subject, addresses, body) is ever put in an error or a log.
 */

/** The Graph resource; scopes are `${GRAPH_RESOURCE}/Mail.Read` etc. (public cloud). */
export const GRAPH_RESOURCE = "https://graph.microsoft.com";
export const SCOPES = {
  /** Evidence: read the parent's mail and its MIME. */
  evidence: [`${GRAPH_RESOURCE}/Mail.Read`],
  /** Evidence from a shared or delegated mailbox (`zorg@`): Graph /users/{owner}/messages. */
  evidenceShared: [`${GRAPH_RESOURCE}/Mail.Read.Shared`],
  /** Consent requests: create a draft (Mail.ReadWrite) and send it (Mail.Send). */
  consentRequest: [`${GRAPH_RESOURCE}/Mail.ReadWrite`, `${GRAPH_RESOURCE}/Mail.Send`],
  /** Recipient resolution: X500 / names (users), list expansion (groups), the sender's own contacts. */
  recipients: [`${GRAPH_RESOURCE}/User.Read.All`, `${GRAPH_RESOURCE}/GroupMember.Read.All`, `${GRAPH_RESOURCE}/Contacts.Read`],
  /** Application permissions (client credentials) always use .default. */
  app: [`${GRAPH_RESOURCE}/.default`],
} as const;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * Carries an AppError through the Graph client: the client re-throws GraphClientError instances
 * unchanged (other errors are rewrapped into a GraphError and lose their identity).
 */
export class GraphFailure extends GraphClientError {
  constructor(readonly appError: AppError) {
    super(appError.message);
    Object.setPrototypeOf(this, GraphFailure.prototype);
    this.name = "GraphFailure";
  }
}

/** Any error from a Graph call or a token request, as the AppError the API answers with. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof GraphFailure) return err.appError;
  if (err instanceof AuthError) return fromMsalError(err);
  if (err instanceof GraphError) {
    if (err.statusCode > 0) return fromGraphStatus(err.statusCode, err.code ?? undefined, undefined);
    return new AppError(502, "GRAPH_ERROR", "Microsoft Graph could not be reached; try again shortly");
  }
  return new AppError(502, "GRAPH_ERROR", "The call to Microsoft Graph failed");
}

/** Runs a Graph call; whatever it throws becomes an AppError. */
export async function graphCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAppError(err);
  }
}

/** AADSTS codes that mean: the user or an admin has to consent first. */
const CONSENT_CODES = ["AADSTS65001", "AADSTS65004", "AADSTS90094", "AADSTS90008"];

/**
 * MSAL errors: consent missing -> 403 CONSENT_REQUIRED; sign-in, MFA or an expired assertion ->
 * 401 INTERACTION_REQUIRED (with the claims challenge when Entra sent one); the rest -> 502.
 */
export function fromMsalError(err: AuthError): AppError {
  const code = err.errorCode ?? "";
  const sub = err.subError ?? "";
  const text = `${err.errorMessage ?? ""} ${err.message ?? ""}`;
  const claims = err instanceof InteractionRequiredAuthError && err.claims ? err.claims : undefined;
  if (sub === "consent_required" || code === "consent_required" || CONSENT_CODES.some((c) => text.includes(c))) {
    return new AppError(403, "CONSENT_REQUIRED", "Consent is needed before this app may use your mailbox; ask your administrator or consent when prompted", {
      reason: "consent_required",
    });
  }
  if (err instanceof InteractionRequiredAuthError || code === "interaction_required" || code === "invalid_grant" || code === "login_required") {
    return new AppError(401, "INTERACTION_REQUIRED", "Sign in again (or complete multi-factor sign-in) to continue", {
      reason: sub || code || "interaction_required",
      ...(claims ? { claims } : {}),
    });
  }
  return new AppError(502, "GRAPH_ERROR", `The service could not get a Microsoft token (${safeCode(code) || "unknown error"})`);
}

function safeCode(s: string | undefined): string {
  return (s ?? "").replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 60);
}

function fromGraphStatus(status: number, graphCode: string | undefined, retryAfter: string | undefined): AppError {
  const c = safeCode(graphCode);
  const suffix = c ? ` (${c})` : "";
  if (status === 404) return new AppError(404, "NOT_FOUND", `Microsoft Graph found no such item${suffix}`);
  if (status === 401) return new AppError(401, "INTERACTION_REQUIRED", `Microsoft Graph did not accept the sign-in; sign in again${suffix}`);
  if (status === 403)
    return new AppError(403, "GRAPH_ERROR", `Microsoft Graph refused access: a permission is missing or not consented${suffix}`);
  if (status === 429)
    return new AppError(429, "RATE_LIMITED", "Microsoft Graph is throttling requests; try again shortly", undefined, retryAfter ? { "Retry-After": retryAfter } : undefined);
  if (status >= 500) return new AppError(502, "GRAPH_ERROR", `Microsoft Graph is unavailable (HTTP ${status}); try again later${suffix}`);
  return new AppError(502, "GRAPH_ERROR", `Microsoft Graph rejected the request (HTTP ${status})${suffix}`);
}

// ---------------------------------------------------------------------------------------------
// The Graph client and its middleware chain
// ---------------------------------------------------------------------------------------------

export interface GraphClientOptions {
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 (a local stub in tests, plain http allowed). */
  baseUrl: string;
  /** The bearer token for this client (OBO or app-only); asked once per request. */
  getToken: () => Promise<string>;
  /** Retries after 429/503/504 (default 3). */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the call fails with RATE_LIMITED (default 30). */
  maxRetryAfterSeconds?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected pass(context: Context): Promise<void> {
    if (!this.next) throw new GraphFailure(new AppError(500, "INTERNAL", "Graph middleware chain is incomplete"));
    return this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

function urlOf(context: Context): string {
  return typeof context.request === "string" ? context.request : context.request.url;
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const h = context.options.headers;
  if (h instanceof Headers) h.set(name, value);
  else if (Array.isArray(h)) context.options.headers = [...h.filter(([k]) => k.toLowerCase() !== name.toLowerCase()), [name, value]];
  else context.options.headers = { ...(h ?? {}), [name]: value };
}

/** Outermost: a final error status becomes a GraphFailure carrying the AppError. */
class StatusMapping extends Link {
  async execute(context: Context): Promise<void> {
    await this.pass(context);
    const res = context.response;
    if (!res || res.ok) return;
    let graphCode: string | undefined;
    try {
      const body = (await res.clone().json()) as { error?: { code?: unknown } };
      if (typeof body.error?.code === "string") graphCode = body.error.code;
    } catch {
      // not JSON: the status says enough
    }
    throw new GraphFailure(fromGraphStatus(res.status, graphCode, res.headers.get("retry-after") ?? undefined));
  }
}

/**
 * Adds the bearer token, and only for the configured Graph origin: a link elsewhere (an odd
 * @odata.nextLink) never receives it. Works on plain http too, unlike the default handler.
 */
class BearerToken extends Link {
  constructor(
    private readonly origin: string,
    private readonly getToken: () => Promise<string>,
  ) {
    super();
  }
  async execute(context: Context): Promise<void> {
    if (new URL(urlOf(context)).origin !== this.origin) {
      throw new GraphFailure(new AppError(502, "GRAPH_ERROR", "Refused to send the Graph token to another host"));
    }
    let token: string;
    try {
      token = await this.getToken();
    } catch (err) {
      throw new GraphFailure(toAppError(err));
    }
    setHeader(context, "Authorization", `Bearer ${token}`);
    await this.pass(context);
  }
}

const RETRY_STATUSES = new Set([429, 503, 504]);

/** Retries throttled and briefly unavailable answers, honouring Retry-After, within bounds. */
class Retry extends Link {
  constructor(
    private readonly maxRetries: number,
    private readonly maxWaitSeconds: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    super();
  }
  async execute(context: Context): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.pass(context);
      const res = context.response;
      if (!res || !RETRY_STATUSES.has(res.status) || attempt >= this.maxRetries) return;
      const body = context.options?.body;
      if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) return; // a stream cannot be sent twice
      const waitSeconds = retryAfterSeconds(res.headers.get("retry-after")) ?? Math.min(2 ** attempt, this.maxWaitSeconds);
      if (waitSeconds > this.maxWaitSeconds) return;
      await res.body?.cancel().catch(() => undefined);
      await this.sleep(waitSeconds * 1000);
    }
  }
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A Graph client on our middleware chain. `baseUrl` may be plain http (local stubs). */
export function createGraphClient(opts: GraphClientOptions): Client {
  const base = new URL(opts.baseUrl);
  const segments = base.pathname.split("/").filter(Boolean);
  const version = segments.pop() ?? "v1.0";
  const root = `${base.origin}${segments.length ? "/" + segments.join("/") : ""}`;
  const chain: Link[] = [
    new StatusMapping(),
    new BearerToken(base.origin, opts.getToken),
    new Retry(opts.maxRetries ?? 3, opts.maxRetryAfterSeconds ?? 30, opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))),
  ];
  const http = new HTTPMessageHandler();
  chain.forEach((link, i) => link.setNext(chain[i + 1] ?? http));
  const first = chain[0];
  if (!first) throw new Error("empty chain");
  return Client.initWithMiddleware({ middleware: first, baseUrl: root, defaultVersion: version });
}

/**
 * Turns an absolute @odata.nextLink into a path the client accepts (it only strips https:// hosts
 * itself). A link to another host is refused by the BearerToken link anyway.
 */
export function relativeToBase(link: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return link.startsWith(base + "/") ? link.slice(base.length) : link;
}

// ---------------------------------------------------------------------------------------------
// Tokens (MSAL)
// ---------------------------------------------------------------------------------------------

export interface GraphAuthOptions {
  clientId: string;
  /** https://login.microsoftonline.com (or any host, when a networkClient answers for it). */
  authorityHost: string;
  clientSecret?: string;
  certificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
  /** MSAL's HTTP client: tests pass a fake authority here. */
  networkClient?: INetworkModule;
}

/** How many tenants' MSAL apps (each with its own in-memory token cache) are kept. */
const MAX_APPS = 200;

/**
 * Token acquisition through MSAL confidential clients, one per tenant (authority
 * `{authorityHost}/{tenantId}`), each with MSAL's in-memory token cache: a second OBO call with
 * the same user token and scopes, or a second app-only call, is answered from the cache.
 */
export class GraphAuth {
  private readonly apps = new Map<string, ConfidentialClientApplication>();

  constructor(private readonly opts: GraphAuthOptions) {
    if (!opts.clientSecret && !opts.certificate) throw new Error("GraphAuth needs a client secret or a certificate");
  }

  static fromConfig(config: GraphConfig, networkClient?: INetworkModule): GraphAuth | undefined {
    if (!config.ENTRA_CLIENT_ID) return undefined;
    let certificate: GraphAuthOptions["certificate"];
    if (config.ENTRA_CERT_PATH) {
      let pem: string;
      try {
        pem = readFileSync(config.ENTRA_CERT_PATH, "utf8");
      } catch {
        throw new ConfigError("Invalid configuration:\n  ENTRA_CERT_PATH: the file cannot be read");
      }
      const key = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
      const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
      if (!key) throw new ConfigError("Invalid configuration:\n  ENTRA_CERT_PATH: the file holds no PEM private key");
      certificate = { thumbprintSha256: (config.ENTRA_CERT_THUMBPRINT ?? "").replace(/[:\s]/g, ""), privateKey: key, ...(cert ? { x5c: cert } : {}) };
    }
    if (!config.ENTRA_CLIENT_SECRET && !certificate) return undefined;
    return new GraphAuth({
      clientId: config.ENTRA_CLIENT_ID,
      authorityHost: config.ENTRA_AUTHORITY_HOST,
      ...(config.ENTRA_CLIENT_SECRET ? { clientSecret: config.ENTRA_CLIENT_SECRET } : {}),
      ...(certificate ? { certificate } : {}),
      ...(networkClient ? { networkClient } : {}),
    });
  }

  private app(tenantId: string): ConfidentialClientApplication {
    const tid = tenantId.toLowerCase();
    let app = this.apps.get(tid);
    if (app) return app;
    const authority = `${this.opts.authorityHost.replace(/\/+$/, "")}/${tid}`;
    const cfg: Configuration = {
      auth: {
        clientId: this.opts.clientId,
        authority,
        knownAuthorities: [new URL(authority).host],
        ...(this.opts.clientSecret ? { clientSecret: this.opts.clientSecret } : {}),
        ...(this.opts.certificate ? { clientCertificate: this.opts.certificate } : {}),
      },
      system: {
        // MSAL logs without personal data only; our logger never receives tokens.
        loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
        ...(this.opts.networkClient ? { networkClient: this.opts.networkClient } : {}),
      },
    };
    app = new ConfidentialClientApplication(cfg);
    if (this.apps.size >= MAX_APPS) {
      const oldest = this.apps.keys().next();
      if (!oldest.done) this.apps.delete(oldest.value);
    }
    this.apps.set(tid, app);
    return app;
  }

  /** A Graph token for the user who sent `userToken` (the API's own access token), via OBO. */
  async onBehalfOf(tenantId: string, userToken: string, scopes: readonly string[]): Promise<string> {
    try {
      const r = await this.app(tenantId).acquireTokenOnBehalfOf({ oboAssertion: userToken, scopes: [...scopes] });
      if (!r?.accessToken) throw new AppError(502, "GRAPH_ERROR", "Microsoft returned no token");
      return r.accessToken;
    } catch (err) {
      throw toAppError(err);
    }
  }

  /** An app-only Graph token for a tenant (client credentials; application permissions). */
  async appOnly(tenantId: string): Promise<string> {
    try {
      const r = await this.app(tenantId).acquireTokenByClientCredential({ scopes: [...SCOPES.app] });
      if (!r?.accessToken) throw new AppError(502, "GRAPH_ERROR", "Microsoft returned no token");
      return r.accessToken;
    } catch (err) {
      throw toAppError(err);
    }
  }
}

/** Graph clients bound to a tenant and a way of getting tokens. */
export class GraphClients {
  constructor(
    private readonly auth: GraphAuth,
    private readonly baseUrl: string,
    private readonly retry: { maxRetries: number; maxRetryAfterSeconds: number; sleep?: (ms: number) => Promise<void> },
  ) {}

  get graphBaseUrl(): string {
    return this.baseUrl;
  }

  /** For the signed-in user: OBO with `userToken` (the bearer token of the incoming request). */
  forUser(tenantId: string, userToken: string, scopes: readonly string[]): Client {
    return createGraphClient({ baseUrl: this.baseUrl, getToken: () => this.auth.onBehalfOf(tenantId, userToken, scopes), ...this.retry });
  }

  /** For the app itself in a tenant (School Data Sync). */
  forApp(tenantId: string): Client {
    return createGraphClient({ baseUrl: this.baseUrl, getToken: () => this.auth.appOnly(tenantId), ...this.retry });
  }
}

import { z } from "zod";
import { IntegrityKeys } from "./register/integrity.js";
import { AppServiceManagedIdentity } from "./shared/managed-identity.js";
import type { StorageAccount } from "./shared/storage.js";
import { BackupKeys } from "./backup/crypto.js";

/**
 * The whole configuration of the backend, read from the environment once and validated.
 * A bad value stops the process at start with a message naming the variable.
 */
const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /**
     * Public base URL of this service (https): the add-in's own origin, always allowed by CORS, and the
     * address classic Outlook's page-less runtime is given. Required outside dev mode; in dev mode the
     * listening address. Never taken from a request's Host header.
     */
    PUBLIC_URL: z.string().url().optional(),
    /** Azure Table Storage / Azurite / Cosmos DB Table API connection string. Unset: embedded Azurite. */
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    /**
     * Keyless storage (Azure): the account's Table and Blob endpoints (https), reached with the app's
     * managed identity instead of a connection string. Both or neither; never with a connection string.
     */
    STORAGE_TABLE_ENDPOINT: z.string().url().optional(),
    STORAGE_BLOB_ENDPOINT: z.string().url().optional(),
    /** Set by App Service when the app has a managed identity (read, never configured by hand). */
    IDENTITY_ENDPOINT: z.string().url().optional(),
    IDENTITY_HEADER: z.string().min(1).optional(),
    /** The client id of a user-assigned managed identity; unset: the system-assigned one. */
    AZURE_CLIENT_ID: z.string().uuid().optional(),
    /** Prefix for every table name (lets tests and environments share one account). */
    TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,29}$/, "letters and digits, starting with a letter, at most 30")
      .default("zv"),
    /** Where the embedded Azurite keeps its data. */
    DATA_DIR: z.string().min(1).default("data"),
    /** Serve HTTPS with a development certificate made on this machine. */
    HTTPS: bool.default(false),
    /** Seed the demo school on an empty store (dev mode only). */
    SEED_DEMO: bool.default(true),
    /** Check every answer against its route's declared response schema (500 RESPONSE_INVALID when not); default on in test. */
    VALIDATE_RESPONSES: bool.optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Entra ID: when set, the server runs in Entra mode and dev tokens are off. */
    ENTRA_CLIENT_ID: z.string().uuid().optional(),
    ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
    ENTRA_CERT_PATH: z.string().min(1).optional(),
    ENTRA_CERT_THUMBPRINT: z.string().min(1).optional(),
    ENTRA_AUTHORITY_HOST: z.string().url().default("https://login.microsoftonline.com"),
    /** Comma-separated list of tenant ids allowed to use this service; required in Entra mode (see securityProblems). */
    ENTRA_ALLOWED_TENANTS: z.string().default(""),
    /** Where the signing keys are fetched; default `{ENTRA_AUTHORITY_HOST}/{tid}/discovery/v2.0/keys` per tenant. */
    ENTRA_JWKS_URL: z.string().url().optional(),
    GRAPH_BASE_URL: z.string().url().default("https://graph.microsoft.com/v1.0"),
    /** Retries of a Graph call answered 429/503/504 (Retry-After honoured up to GRAPH_MAX_RETRY_AFTER_SECONDS). */
    GRAPH_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    GRAPH_MAX_RETRY_AFTER_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    /** Minutes between School Data Sync runs; 0 = only on demand (POST /api/sync/sds). */
    SDS_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10080).default(0),
    /** Comma-separated tenant ids the scheduled sync runs for (the app must be consented there). */
    SDS_SYNC_TENANTS: z.string().default(""),
    /** Whether a parent/guardian newly found in SDS is recorded as holding parental authority (SDS has no custody field). */
    SDS_NEW_GUARDIAN_HAS_AUTHORITY: bool.default(true),
    /** Folder of the local store for kept original messages (dev; production: Azure Blob Storage, see docs/ENTRA.md). */
    EVIDENCE_DIR: z.string().min(1).optional(),
    /** Origins allowed by CORS besides this service's own. */
    CORS_ORIGINS: z.string().default(""),
    /** Seconds the in-memory directory cache may serve without re-reading (other instances' changes). */
    DIRECTORY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    /** Largest accepted JSON body. */
    BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default("1mb"),
    IMPORT_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default("50mb"),
    /** Students a CSV import merges and writes at a time (its memory is one batch, not the file). */
    IMPORT_BATCH_ROWS: z.coerce.number().int().min(1).max(10000).default(1000),
    /** Milliseconds before a storage call counts as unavailable. */
    STORAGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(4000),
    RATE_LIMIT_PER_MINUTE_USER: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PER_MINUTE_TENANT: z.coerce.number().int().min(1).default(6000),
    /** The parents' page: requests per minute per client address, and per instance (checked before any work). */
    PARENT_PAGE_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    PARENT_PAGE_RATE_PER_MINUTE_INSTANCE: z.coerce.number().int().min(1).default(1200),
    /**
     * Key of the MAC in the x-zorgvuldig-check header the add-in stamps on every checked mail (HMAC-SHA256).
     * Required in production; elsewhere a fixed development key is used.
     */
    CHECK_STAMP_KEY: z.string().min(32, "at least 32 characters").optional(),
    /** Seconds between sweeps of the senders' Sent Items (delta query; 0: only on demand, POST /api/sent-items/sweep). */
    SENT_ITEMS_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86400).default(0),
    /** Seconds between runs of the scheduled reminders (schools with autoReminders on; 0: never). Needs Graph. */
    REMINDER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(3600),
    /** Lifetime asked for change-notification subscriptions on Sent Items (Graph allows at most 10,080 minutes for mail). */
    SENT_ITEMS_SUBSCRIPTION_MINUTES: z.coerce.number().int().min(45).max(10080).default(10000),
    /** A subscription is renewed once less than this is left (checked on every scheduled sweep). */
    SENT_ITEMS_RENEW_BEFORE_MINUTES: z.coerce.number().int().min(1).max(10080).default(1440),
    /**
     * The add-in ids whose custom property stamps a meeting (comma-separated): manifest.xml's Id and the
     * unified manifest's id (TEAMS_APP_ID). Outlook keeps an add-in's custom properties in the named
     * property `cecp-<id>`, so the server must know the id of the add-in the school deployed. Empty: off.
     */
    OUTLOOK_ADDIN_IDS: z
      .string()
      .default("d66a3e8c-d929-403a-a498-69f463cd0d8e,5f0c6a2e-7d3b-4c1a-9e8f-2b4d6a8c0e11")
      .transform((v) => v.split(",").map((x) => x.trim()).filter((x) => x.length > 0))
      .pipe(z.array(z.string().regex(/^(urn:uuid:)?\{?[0-9A-Fa-f-]{36}\}?$/, "a GUID"))),
    /**
     * Signs the receipts of attachment uploads (POST /api/check/attachments). Instances behind one load
     * balancer must share it; unset: a random key per process (a receipt from another instance then
     * counts as unread: the unreadable-attachment warning, never an allow).
     */
    ATTACHMENT_RECEIPT_SECRET: z.string().min(32).optional(),
    /** Milliseconds one attachment's text extraction may take in its worker before it counts as unreadable. */
    ATTACHMENT_EXTRACT_BUDGET_MS: z.coerce.number().int().min(500).max(120000).default(10000),
    /** Seconds between scheduled retention purges (0: off). */
    RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(86400),

    // --- Integrity and identity hardening (issue 16); checked in securityProblems below -----------
    /**
     * Keys of the register's keyed MACs and signed checkpoints: "id:base64,id2:base64" (at least 32
     * bytes each). The first key signs; every listed key verifies, so an old key stays listed after a
     * rotation. Required in Entra mode (Key Vault reference in production); dev mode uses a public dev key.
     */
    INTEGRITY_KEYS: z.string().min(1).optional(),
    /** A send check whose texts hold more characters than this reads them in a worker thread (issue 16: bounded work). */
    CHECK_INLINE_TEXT_CHARS: z.coerce.number().int().min(0).default(65_536),
    /** Milliseconds one mail's texts may take to read; past it the check is 422 TEXT_TOO_COMPLEX (the add-in's fail mode applies). */
    CHECK_TEXT_BUDGET_MS: z.coerce.number().int().min(10).default(5000),
    /** Requests per minute per client address on the anonymous routes (Graph webhook, parents' page, the API document), before any work. */
    RATE_LIMIT_PER_MINUTE_ANONYMOUS: z.coerce.number().int().min(1).default(120),
    /** Seconds between signed checkpoints of every tenant's chain heads to Blob Storage (0: off). */
    CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
    /** Delegated scope an Entra token must carry in `scp` (space-separated list in the token). */
    ENTRA_REQUIRED_SCOPE: z.string().regex(/^[A-Za-z0-9._-]+$/).default("access_as_user"),
    /**
     * Which schools a user works for, from the Entra groups in the token: "groupId=schoolId,groupId2=*"
     * ("*": every school of the tenant). App roles "school.<schoolId>" count too. Empty and no such roles:
     * every user sees every school (a single-school tenant). The privacy-officer role always sees all.
     */
    SCHOOL_GROUPS: z
      .string()
      .regex(/^(\s*[0-9A-Za-z-]{1,64}\s*=\s*([A-Za-z0-9._~:@-]{1,100}|\*)\s*(,|$))*$/, "groupId=schoolId pairs, comma-separated")
      .default(""),
    /**
     * Keys of the tenant backups (AES-256-GCM): "id:base64,id2:base64", exactly 32 bytes each. The first
     * encrypts new backups; every listed key still decrypts old ones (a backup names its key id in its
     * header), so an old key stays listed after a rotation. Required in Entra mode when BACKUP_DIR is
     * set (Key Vault reference in production); dev mode uses a public dev key when unset.
     */
    BACKUP_KEYS: z.string().min(1).optional(),
    /** Folder of stored tenant backups a restore may name (POST /api/approvals {kind: "restore", backup}); unset: none. */
    BACKUP_DIR: z.string().min(1).optional(),
    /** Client apps (`azp`) allowed to call the API, comma-separated; empty: the Microsoft 365 hosts (KNOWN_CLIENT_APPS) and this app. */
    ENTRA_ALLOWED_CLIENT_APPS: z.string().default(""),
  })
  .superRefine((c, ctx) => {
    if (c.ENTRA_CERT_PATH && !c.ENTRA_CERT_THUMBPRINT) {
      ctx.addIssue({ code: "custom", path: ["ENTRA_CERT_THUMBPRINT"], message: "required with ENTRA_CERT_PATH" });
    }
    if (c.SDS_SYNC_INTERVAL_MINUTES > 0 && !c.ENTRA_CLIENT_ID) {
      ctx.addIssue({ code: "custom", path: ["SDS_SYNC_INTERVAL_MINUTES"], message: "needs ENTRA_CLIENT_ID and a credential" });
    }
    if (c.ENTRA_CLIENT_ID && !c.PUBLIC_URL) {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "required outside dev mode (the add-in's https origin)" });
    }
    if (c.ENTRA_CLIENT_ID && c.PUBLIC_URL && !c.PUBLIC_URL.startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "must use https outside dev mode" });
    }
    if (c.ENTRA_CLIENT_ID && c.NODE_ENV === "production" && !c.STORAGE_CONNECTION_STRING && !c.STORAGE_TABLE_ENDPOINT) {
      ctx.addIssue({ code: "custom", path: ["STORAGE_TABLE_ENDPOINT"], message: "required in production (or STORAGE_CONNECTION_STRING)" });
    }
    for (const issue of storageProblems(c)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  });

export type Config = z.infer<typeof schema> & { devMode: boolean; validateResponses: boolean };

export { ConfigError } from "./shared/errors.js";
import { ConfigError } from "./shared/errors.js";
/** The development key of the check header's MAC (never used where NODE_ENV is production). */
export const DEV_CHECK_STAMP_KEY = "zorgvuldig-development-check-stamp-key-not-secret";

export function checkStampKey(c: Pick<Config, "CHECK_STAMP_KEY">): string {
  return c.CHECK_STAMP_KEY ?? DEV_CHECK_STAMP_KEY;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in schema.shape && v !== undefined && v !== ""),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const devMode = !c.ENTRA_CLIENT_ID;
  if (devMode && !isLoopback(c.HOST)) {
    throw new ConfigError(
      `Invalid configuration:\n  HOST: dev mode (no ENTRA_CLIENT_ID) only listens on a loopback address, not ${c.HOST}`,
    );
  }
  const security = securityProblems(c, devMode);
  if (security.length > 0) throw new ConfigError(`Invalid configuration:\n${security.map((l) => `  ${l}`).join("\n")}`);
  return { ...c, devMode, validateResponses: c.VALIDATE_RESPONSES ?? c.NODE_ENV === "test" };
}

/**
 * An origin as browsers compare it: scheme, lower-case host and a port only when not the default, no
 * trailing slash ("https://Host.example/" -> "https://host.example"). Classic Outlook's runtime has been
 * seen sending `Origin` with a trailing slash. Anything else (null, a non-http scheme) is undefined.
 */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/**
 * Issue 16: the server refuses to start rather than run open. Dev mode (self-issued coordinator
 * tokens, demo seed) only off production, on loopback storage (the embedded Azurite or a connection
 * string whose endpoints are all loopback); Entra mode only with a tenant allow-list and real
 * integrity keys.
 */
function securityProblems(c: z.infer<typeof schema>, devMode: boolean): string[] {
  const out: string[] = [];
  if (devMode) {
    if (c.NODE_ENV === "production")
      out.push("NODE_ENV: dev mode (no ENTRA_CLIENT_ID, self-issued tokens) never runs with NODE_ENV=production; set ENTRA_CLIENT_ID");
    if (c.STORAGE_TABLE_ENDPOINT || c.STORAGE_BLOB_ENDPOINT)
      out.push("STORAGE_TABLE_ENDPOINT: dev mode (no ENTRA_CLIENT_ID) only uses storage on this machine; keyless Azure storage needs ENTRA_CLIENT_ID");
    if (c.STORAGE_CONNECTION_STRING && !storageIsLoopback(c.STORAGE_CONNECTION_STRING))
      out.push("STORAGE_CONNECTION_STRING: dev mode (no ENTRA_CLIENT_ID) only uses storage on this machine (loopback endpoints); set ENTRA_CLIENT_ID");
  } else {
    if (tenantList(c.ENTRA_ALLOWED_TENANTS).length === 0)
      out.push("ENTRA_ALLOWED_TENANTS: Entra mode needs the list of tenant ids allowed to sign in (comma-separated)");
    else if (tenantList(c.ENTRA_ALLOWED_TENANTS).some((t) => !TENANT_ID.test(t)))
      out.push("ENTRA_ALLOWED_TENANTS: every entry must be a tenant id (GUID)");
    if (!c.INTEGRITY_KEYS) out.push("INTEGRITY_KEYS: Entra mode needs the register's integrity keys (id:base64 of 32+ bytes; Key Vault reference)");
    if (c.BACKUP_DIR && !c.BACKUP_KEYS) out.push("BACKUP_KEYS: Entra mode with BACKUP_DIR needs the backup keys (id:base64 of 32 bytes; Key Vault reference)");
  }
  if (c.NODE_ENV === "production" && !c.CHECK_STAMP_KEY)
    out.push("CHECK_STAMP_KEY: required in production (the MAC of the check header)");
  if (c.INTEGRITY_KEYS) {
    try {
      IntegrityKeys.parse(c.INTEGRITY_KEYS);
    } catch (err) {
      out.push(`INTEGRITY_KEYS: ${err instanceof Error ? err.message : "invalid"}`);
    }
  }
  if (c.BACKUP_KEYS) {
    try {
      BackupKeys.parse(c.BACKUP_KEYS);
    } catch (err) {
      out.push(`BACKUP_KEYS: ${err instanceof Error ? err.message : "invalid"}`);
    }
  }
  return out;
}

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** SCHOOL_GROUPS as a map: lower-case group id -> school id or "*". */
export function schoolGroupMap(spec: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [g, school] = pair.split("=").map((s) => s.trim());
    if (g && school) out.set(g.toLowerCase(), school);
  }
  return out;
}

/** ENTRA_ALLOWED_TENANTS as lower-case ids. */
export function tenantList(spec: string): string[] {
  return spec.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
}

type StorageSettings = Pick<z.infer<typeof schema>, "STORAGE_CONNECTION_STRING" | "STORAGE_TABLE_ENDPOINT" | "STORAGE_BLOB_ENDPOINT" | "IDENTITY_ENDPOINT" | "IDENTITY_HEADER">;

/** Connection string (Azurite, development) or endpoints with a managed identity (Azure): one, complete. */
function storageProblems(c: StorageSettings): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const byEndpoint = c.STORAGE_TABLE_ENDPOINT !== undefined || c.STORAGE_BLOB_ENDPOINT !== undefined;
  if (!byEndpoint) return out;
  if (c.STORAGE_CONNECTION_STRING)
    out.push({ path: "STORAGE_TABLE_ENDPOINT", message: "give either STORAGE_CONNECTION_STRING or the endpoints with a managed identity, not both" });
  for (const k of ["STORAGE_TABLE_ENDPOINT", "STORAGE_BLOB_ENDPOINT"] as const) {
    const v = c[k];
    if (v === undefined) out.push({ path: k, message: "required with the other storage endpoint (keyless storage needs both)" });
    else if (!v.startsWith("https://")) out.push({ path: k, message: "must use https (OAuth tokens are never sent in the clear)" });
  }
  if (!c.IDENTITY_ENDPOINT || !c.IDENTITY_HEADER)
    out.push({ path: "IDENTITY_ENDPOINT", message: "keyless storage needs the app's managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER, set by App Service)" });
  return out;
}

/** The storage the configuration names: a connection string, or the endpoints with the managed identity; undefined: embedded Azurite. */
export function storageAccountOf(c: Config, fetchImpl?: typeof fetch): StorageAccount | undefined {
  if (c.STORAGE_CONNECTION_STRING) return c.STORAGE_CONNECTION_STRING;
  if (!c.STORAGE_TABLE_ENDPOINT || !c.STORAGE_BLOB_ENDPOINT || !c.IDENTITY_ENDPOINT || !c.IDENTITY_HEADER) return undefined;
  const credential = new AppServiceManagedIdentity({
    endpoint: c.IDENTITY_ENDPOINT,
    header: c.IDENTITY_HEADER,
    ...(c.AZURE_CLIENT_ID ? { clientId: c.AZURE_CLIENT_ID } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return { tableUrl: c.STORAGE_TABLE_ENDPOINT, blobUrl: c.STORAGE_BLOB_ENDPOINT, credential };
}

/** Whether every endpoint a storage connection string names is on this machine. */
export function storageIsLoopback(conn: string): boolean {
  if (/UseDevelopmentStorage=true/i.test(conn)) return true;
  const endpoints = [...conn.matchAll(/(?:^|;)\s*\w*Endpoint\s*=\s*([^;]+)/gi)].map((m) => m[1] ?? "");
  if (endpoints.length === 0) return false;
  return endpoints.every((e) => {
    try {
      return isLoopback(new URL(e.trim()).hostname.replace(/^\[|\]$/g, ""));
    } catch {
      return false;
    }
  });
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

import { z } from "zod";

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
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Entra ID: when set, the server runs in Entra mode and dev tokens are off. */
    ENTRA_CLIENT_ID: z.string().uuid().optional(),
    ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
    ENTRA_CERT_PATH: z.string().min(1).optional(),
    ENTRA_CERT_THUMBPRINT: z.string().min(1).optional(),
    ENTRA_AUTHORITY_HOST: z.string().url().default("https://login.microsoftonline.com"),
    /** Comma-separated list of tenant ids allowed to use this service; empty = any tenant. */
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
    /** Milliseconds before a storage call counts as unavailable. */
    STORAGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(4000),
    RATE_LIMIT_PER_MINUTE_USER: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PER_MINUTE_TENANT: z.coerce.number().int().min(1).default(6000),
    /**
     * Key of the MAC in the x-zorgvuldig-check header the add-in stamps on every checked mail (HMAC-SHA256).
     * Required in production; elsewhere a fixed development key is used.
     */
    CHECK_STAMP_KEY: z.string().min(32, "at least 32 characters").optional(),
    /** Seconds between sweeps of the senders' Sent Items (delta query; 0: only on demand, POST /api/sent-items/sweep). */
    SENT_ITEMS_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86400).default(0),
    /** Seconds between scheduled retention purges (0: off). */
    RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(86400),
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
    if (c.NODE_ENV === "production" && !c.CHECK_STAMP_KEY) {
      ctx.addIssue({ code: "custom", path: ["CHECK_STAMP_KEY"], message: "required in production (the MAC of the check header)" });
    }
    if (c.ENTRA_CLIENT_ID && c.NODE_ENV === "production" && !c.STORAGE_CONNECTION_STRING) {
      ctx.addIssue({ code: "custom", path: ["STORAGE_CONNECTION_STRING"], message: "required in production" });
    }
  });

export type Config = z.infer<typeof schema> & { devMode: boolean };

/** The development key of the check header's MAC (never used where NODE_ENV is production). */
export const DEV_CHECK_STAMP_KEY = "zorgvuldig-development-check-stamp-key-not-secret";

export function checkStampKey(c: Pick<Config, "CHECK_STAMP_KEY">): string {
  return c.CHECK_STAMP_KEY ?? DEV_CHECK_STAMP_KEY;
}

export class ConfigError extends Error {}

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
  return { ...c, devMode };
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

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

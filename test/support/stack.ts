import type { RequestHandler } from "express";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { loadConfig } from "../../server/config.js";
import { startServer, type Running } from "../../server/main.js";
import { AzuriteProcess } from "../../server/shared/azurite.js";
import { DEMO_TENANT } from "../../server/demo/seed.js";
import type { Role } from "../../server/identity/auth.js";
import type { GraphAuth } from "../../server/graph/client.js";
import { assertAnswerMatchesContract } from "./contract-check.js";

/**
 * The real stack for tests: Azurite (in memory, on a free port, one per test process), and the real
 * server on an ephemeral port with its own table prefix, so every stack starts empty.
 */
let shared: AzuriteProcess | undefined;
let sharedStarting: Promise<AzuriteProcess> | undefined;

export async function sharedAzurite(): Promise<AzuriteProcess> {
  if (shared?.running) return shared;
  sharedStarting ??= (async () => {
    const a = new AzuriteProcess();
    await a.start();
    shared = a;
    return a;
  })();
  try {
    return await sharedStarting;
  } finally {
    // A start that failed (a slow machine) is tried again by the next test file, not inherited by it.
    sharedStarting = undefined;
  }
}

/**
 * What Entra mode needs besides ENTRA_CLIENT_ID (issue 16): a tenant allow-list and integrity keys.
 * A stack started with ENTRA_CLIENT_ID gets these unless its env says otherwise.
 */
export const ENTRA_TEST_SECURITY = {
  PUBLIC_URL: "https://zorg.example.nl",
  ENTRA_ALLOWED_TENANTS: DEMO_TENANT,
  INTEGRITY_KEYS: `test:${Buffer.alloc(32, 7).toString("base64")}`,
};

export interface StackOptions {
  seedDemo?: boolean;
  /** A dedicated Azurite (to stop and restart it in a test) instead of the shared one. */
  azurite?: AzuriteProcess;
  env?: Record<string, string>;
  distDir?: string;
  /** Graph token acquisition for the server (Entra mode tests: MSAL on a fake authority). */
  graphAuth?: GraphAuth;
  /** Dev mode: the local Outlook simulation's routes (scripts/dev/outlook-sim.ts), at /dev/outlook. */
  devRoutes?: RequestHandler;
}

export interface Stack {
  baseUrl: string;
  running: Running;
  azurite: AzuriteProcess;
  tenantId: string;
  /** Captured log lines (JSON strings). */
  logs: string[];
  /** A dev token; `schools` is its school claim (default "*": every school of the tenant). */
  token(user?: string, roles?: Role[], tenantId?: string, schools?: string[]): Promise<string>;
  /** fetch with JSON and a bearer token for the demo tenant coordinator unless given. */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string; headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; json: T; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const azurite = opts.azurite ?? (await sharedAzurite());
  const logs: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString().split("\n").filter(Boolean));
      cb();
    },
  });
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    TABLE_PREFIX: `t${randomBytes(6).toString("hex")}`,
    SEED_DEMO: opts.seedDemo === false ? "false" : "true",
    LOG_LEVEL: "info",
    STORAGE_TIMEOUT_MS: "3000",
    ...(opts.env?.ENTRA_CLIENT_ID ? ENTRA_TEST_SECURITY : {}),
    ...opts.env,
  });
  const running = await startServer(config, {
    connectionString: azurite.connectionString,
    logDestination: dest,
    ...(opts.distDir ? { distDir: opts.distDir } : {}),
    ...(opts.graphAuth ? { graphAuth: opts.graphAuth } : {}),
    ...(opts.devRoutes ? { devRoutes: opts.devRoutes } : {}),
  });
  const tokens = new Map<string, string>();
  const token = async (user = "ib@demo", roles: Role[] = ["coordinator"], tenantId = DEMO_TENANT, schools: string[] = ["*"]): Promise<string> => {
    const k = `${user}|${roles.join(",")}|${tenantId}|${schools.join(",")}`;
    const cached = tokens.get(k);
    if (cached) return cached;
    const issuer = running.devIssuer;
    if (!issuer) throw new Error("not in dev mode");
    const t = await issuer.issue(user, tenantId, roles, undefined, schools);
    tokens.set(k, t);
    return t;
  };
  return {
    baseUrl: running.url,
    running,
    azurite,
    tenantId: DEMO_TENANT,
    logs,
    token,
    async api<T>(method: string, path: string, body?: unknown, o: { token?: string; headers?: Record<string, string>; raw?: string } = {}) {
      const t = o.token ?? (await token());
      const res = await fetch(`${running.url}${path}`, {
        method,
        headers: {
          ...(t ? { authorization: `Bearer ${t}` } : {}),
          ...(body !== undefined || o.raw !== undefined ? { "content-type": "application/json" } : {}),
          ...o.headers,
        },
        body: o.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = { nonJson: text };
      }
      // Every answer a test receives is checked against the route's declared schema (and the server's own
      // test-mode check must not have fired).
      assertAnswerMatchesContract(method, path, res.status, json);
      return { status: res.status, json: json as T, headers: res.headers };
    },
    async stop() {
      await running.close();
    },
  };
}

/**
 * Registers the hooks of a stack in the calling `describe` (started in `before`, stopped in `after`) and
 * returns the stack itself: every member reads the started one, so tests and later hooks use it as if
 * they had started it. `opts` as for startStack, or a function giving them once earlier hooks have run.
 */
/**
 * Something a describe block starts in `before` and stops in `after`; the returned function gives the
 * started one (and says so when it is called too early, outside a test or a later hook).
 */
export function useStarted<T extends { stop(): Promise<void> }>(what: string, start: () => Promise<T>): () => T {
  let started: T | undefined;
  before(async () => {
    started = await start();
  });
  after(async () => {
    await started?.stop();
  });
  return () => {
    if (started === undefined) throw new Error(`${what} is not started (use it inside a test or a later hook)`);
    return started;
  };
}

export function useStack(opts: StackOptions | (() => StackOptions) = {}): Stack {
  return stackFacade(useStarted("the stack", () => startStack(typeof opts === "function" ? opts() : opts)));
}

/** A Stack whose members read `started()` when used, so it can be taken apart before the stack runs. */
export function stackFacade(started: () => Stack): Stack {
  return {
    get baseUrl() {
      return started().baseUrl;
    },
    get running() {
      return started().running;
    },
    get azurite() {
      return started().azurite;
    },
    get tenantId() {
      return started().tenantId;
    },
    get logs() {
      return started().logs;
    },
    token: (...a) => started().token(...a),
    api: <T = Record<string, unknown>>(...a: Parameters<Stack["api"]>) => started().api<T>(...a),
    stop: () => started().stop(),
  };
}

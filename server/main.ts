import type { RequestHandler } from "express";
import { createServer as createHttp, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { DestinationStream } from "pino";
import { schoolGroupMap, storageAccountOf, tenantList, type Config } from "./config.js";
import { createApp, type Services } from "./app.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { Storage, type StorageAccount } from "./shared/storage.js";
import { AzuriteProcess } from "./shared/azurite.js";
import { DevIssuer, entraVerifier, type TokenVerifier } from "./identity/auth.js";
import { seedDemo } from "./demo/seed.js";
import { REAL_TIMERS, type Timers } from "./shared/schedule.js";
import type { GraphAuth } from "./graph/client.js";

export interface Running {
  url: string;
  port: number;
  server: Server;
  services: Services;
  storage: Storage;
  log: Logger;
  devIssuer?: DevIssuer;
  azurite?: AzuriteProcess;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Use this storage connection instead of config/embedded Azurite (tests share one emulator). */
  connectionString?: string;
  logDestination?: DestinationStream;
  distDir?: string;
  tls?: { key: string; cert: string };
  /** Graph token acquisition instead of one made from config (tests: MSAL on a fake authority). */
  graphAuth?: GraphAuth;
  /** Dev mode only: the local Outlook simulation's routes, mounted at /dev/outlook (scripts/dev/outlook-sim.ts). */
  devRoutes?: RequestHandler;
}

/**
 * The scheduled retention run of every tenant, under the schools' approved settings; a run that removed
 * events or directory records goes into the administrative log. `timers` and `clock` are the real ones
 * unless a test drives them.
 */
export function scheduleRetention(services: Services, intervalMs: number, log: Logger, timers: Timers = REAL_TIMERS, clock: () => Date = () => new Date()): () => void {
  return services.retention.schedule(
    intervalMs,
    log,
    (tenantId, r) =>
      services.adminLog.append(tenantId, {
        by: r.purgedBy ?? "retention-schedule",
        action: "purge",
        operation: "schedule",
        schoolIds: [],
        target: r.id,
        ...(r.reason ? { reason: r.reason } : {}),
        details: { studentsPurged: r.studentsPurged, eventsRemoved: r.eventsRemoved, directoryRecords: r.directoryRecords ?? 0, failures: r.failures },
      }),
    timers,
    clock,
  );
}

/**
 * The scheduled checkpoint of every tenant: each run audits the register first (the outcome is what
 * GET /api/audit/status and the tab's banner show); a failed audit writes no checkpoint, so the last
 * good one stays the reference. `timers` are the real ones unless a test drives them.
 */
export function scheduleAuditedCheckpoints(services: Services, intervalMs: number, log: Logger, timers: Timers = REAL_TIMERS): () => void {
  return services.checkpoints.schedule(intervalMs, () => services.retention.tenants(), log, async (tenantId) => (await services.register.verifyAll(tenantId)).ok, timers);
}

/**
 * The scheduled follow-up of unanswered consent requests (R-REMIND-AUTO): at schools with `autoReminders`
 * on, the due reminders go from the mailbox that sent each request, with the app's own Graph token
 * (application Mail.Send, limited by RBAC for Applications). Without Graph nothing is scheduled.
 */
export function scheduleReminders(services: Services, intervalMs: number, log: Logger, timers: Timers = REAL_TIMERS, clock: () => Date = () => new Date()): () => void {
  if (!services.graph.configured) return () => undefined;
  return services.followUp.schedule(
    intervalMs,
    () => services.retention.tenants(),
    (tenantId, mailbox) => async (letter) => services.graph.sendAsApp(tenantId, mailbox, { to: [letter.to], subject: letter.subject, bodyHtml: letter.bodyHtml }),
    log,
    timers,
    clock,
  );
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<Running> {
  const log = createLogger(config.LOG_LEVEL, opts.logDestination);
  let azurite: AzuriteProcess | undefined;
  let conn: StorageAccount | undefined = opts.connectionString ?? storageAccountOf(config);
  if (!conn) {
    azurite = new AzuriteProcess({ location: path.join(config.DATA_DIR, "azurite") });
    await azurite.start();
    conn = azurite.connectionString;
    log.info({ port: azurite.port }, "embedded Azurite started");
  }
  const storage = new Storage(conn, config.TABLE_PREFIX, config.STORAGE_TIMEOUT_MS);
  await storage.ensureTables();

  let verifier: TokenVerifier;
  let devIssuer: DevIssuer | undefined;
  if (config.devMode) {
    devIssuer = await DevIssuer.create();
    verifier = devIssuer.verifier();
  } else {
    verifier = entraVerifier({
      clientId: config.ENTRA_CLIENT_ID ?? "",
      authorityHost: config.ENTRA_AUTHORITY_HOST,
      allowedTenants: tenantList(config.ENTRA_ALLOWED_TENANTS),
      requiredScope: config.ENTRA_REQUIRED_SCOPE,
      allowedClientApps: config.ENTRA_ALLOWED_CLIENT_APPS.split(",").map((s) => s.trim()).filter(Boolean),
      ...(config.ENTRA_JWKS_URL ? { jwksUrl: config.ENTRA_JWKS_URL } : {}),
      schoolGroups: schoolGroupMap(config.SCHOOL_GROUPS),
    });
  }
  const distDir = opts.distDir ?? path.resolve(import.meta.dirname, "..", "dist");
  // PUBLIC_URL's origin; in dev mode the address it listens on, known once it listens.
  let listening = "";
  const publicOrigin = (): string => (config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : listening);
  const { app, services } = createApp({
    config,
    publicOrigin,
    storage,
    log,
    verifier,
    distDir,
    ...(devIssuer ? { devIssuer } : {}),
    ...(opts.graphAuth ? { graphAuth: opts.graphAuth } : {}),
    ...(opts.devRoutes ? { devRoutes: opts.devRoutes } : {}),
  });
  if (config.devMode && config.SEED_DEMO) {
    const seeded = await seedDemo(services);
    if (seeded) log.info("demo school seeded");
  }
  const stopRetention = scheduleRetention(services, config.RETENTION_INTERVAL_SECONDS * 1000, log);
  const stopCheckpoints = scheduleAuditedCheckpoints(services, config.CHECKPOINT_INTERVAL_SECONDS * 1000, log);
  const stopSweep = services.graph.configured
    ? services.sentItems.schedule(config.SENT_ITEMS_SWEEP_SECONDS * 1000, () => services.retention.tenants(), log)
    : () => undefined;
  const stopReminders = scheduleReminders(services, config.REMINDER_INTERVAL_SECONDS * 1000, log);
  const server = opts.tls ? createHttps({ key: opts.tls.key, cert: opts.tls.cert }, app) : createHttp(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
  const url = `${opts.tls ? "https" : "http"}://${host === "127.0.0.1" && opts.tls ? "localhost" : host}:${port}`;
  listening = url;
  return {
    url,
    port,
    server,
    services,
    storage,
    log,
    ...(devIssuer ? { devIssuer } : {}),
    ...(azurite ? { azurite } : {}),
    async close() {
      stopRetention();
      stopCheckpoints();
      services.sync.close();
      await services.checks.close();
      stopSweep();
      stopReminders();
      await services.extraction.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (azurite) await azurite.stop();
    },
  };
}

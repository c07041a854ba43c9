import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import path from "node:path";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { devToken, devTokenRequest, routes } from "../contract/index.js";
import { checkStampKey, normalizeOrigin, type Config } from "./config.js";
import type { Logger } from "./shared/logger.js";
import { AppError, errorMiddleware, notFoundRoute, routeOf } from "./shared/errors.js";
import { ApiBuilder, parse, type SchoolResolver } from "./http/api.js";
import { studentIdOfEvent } from "./register/ids.js";
import type { Storage } from "./shared/storage.js";
import { authenticate, DevIssuer, type TokenVerifier } from "./identity/auth.js";
import { DirectoryRepository } from "./directory/repository.js";
import { DirectoryService } from "./directory/service.js";
import { directoryRoutes } from "./directory/routes.js";
import { RegisterRepository } from "./register/repository.js";
import { IntegrityKeys } from "./register/integrity.js";
import { BlobCheckpointStore, CheckpointService } from "./register/checkpoints.js";
import { RegisterService } from "./register/service.js";
import { AuditStatusStore } from "./register/audit-status.js";
import { ConsentRequestService } from "./register/requests.js";
import { registerRoutes } from "./register/routes.js";
import { documentRoutes } from "./documents/routes.js";
import { CheckRepository } from "./sendcheck/repository.js";
import { SendCheckService } from "./sendcheck/service.js";
import { TextReader } from "./sendcheck/text-reader.js";
import { sendCheckRoutes } from "./sendcheck/routes.js";
import { AttachmentReceipts, AttachmentUploads } from "./sendcheck/attachments.js";
import { ExtractionPool } from "./sendcheck/extract/pool.js";
import { SentItemsRepository } from "./sentitems/repository.js";
import { SentItemsService } from "./sentitems/service.js";
import { sentItemsRoutes } from "./sentitems/routes.js";
import { SubscriptionRepository, Subscriptions } from "./sentitems/subscriptions.js";
import { RetentionService } from "./retention/service.js";
import { retentionRoutes } from "./retention/routes.js";
import { ViewLog, viewLogging } from "./accountability/views.js";
import { AdminLog } from "./accountability/admin-log.js";
import { ApprovalService } from "./accountability/approvals.js";
import { accountabilityRoutes, adminLogHook } from "./accountability/routes.js";
import { BackupService } from "./backup/service.js";
import { BackupKeys } from "./backup/crypto.js";
import { backupRoutes } from "./backup/routes.js";
import { idempotency, IDEMPOTENCY_TTL_MS, purgeExpiredIdempotency } from "./shared/idempotency.js";
import { anonymousRateLimit, rateLimit } from "./shared/ratelimit.js";
import { createGraphServices, type GraphServices } from "./graph/services.js";
import { graphRoutes } from "./graph/routes.js";
import { createSyncServices, type SyncServices } from "./sync/service.js";
import { syncRoutes } from "./sync/routes.js";
import type { GraphAuth } from "./graph/client.js";
import { ParentLinks } from "./portal/links.js";
import { ParentPortal } from "./portal/service.js";
import { FollowUp } from "./portal/follow-up.js";
import { OpenRequestIndex, openEntries, type OpenRequestEntry } from "./portal/open-requests.js";
import { portalRoutes } from "./portal/routes.js";

import { DEMO_TENANT as DEMO_TENANT_ID } from "./demo/seed.js";

export interface AppDeps {
  config: Config;
  storage: Storage;
  log: Logger;
  verifier: TokenVerifier;
  /** Present in dev mode only: issues tokens at POST /dev/token. */
  devIssuer?: DevIssuer;
  /** Folder of the built front ends. */
  distDir: string;
  /** Graph token acquisition to use instead of one made from config (tests: a fake authority). */
  graphAuth?: GraphAuth;
  /**
   * This service's own origin: PUBLIC_URL's, or in dev mode the address it listens on (known once it
   * listens). Never derived from a request's Host header.
   */
  publicOrigin: () => string;
  /** Dev mode only: the local Outlook simulation's routes (scripts/dev/outlook-sim.ts), at /dev/outlook. */
  devRoutes?: RequestHandler;
}

export interface Services {
  sentItems: SentItemsService;
  directory: DirectoryService;
  register: RegisterService;
  registerRepo: RegisterRepository;
  /** Signed checkpoints of the chain heads in Blob Storage (issue 16). */
  checkpoints: CheckpointService;
  /** The outcome of the last register audit (the tab's banner). */
  auditStatus: AuditStatusStore;
  checks: SendCheckService;
  requests: ConsentRequestService;
  retention: RetentionService;
  views: ViewLog;
  /** The administrative log and the four-eyes approvals (issue 16). */
  adminLog: AdminLog;
  approvals: ApprovalService;
  /** Stored encrypted backups and the approved restore (issue 16). */
  backups: BackupService;
  graph: GraphServices;
  sync: SyncServices;
  /** The parents' page and the follow-up of consent requests (issue 17). */
  portal: ParentPortal;
  followUp: FollowUp;
  /** The open consent requests kept per school (the overview's count). */
  openRequests: OpenRequestIndex;
  parentLinks: ParentLinks;
  /** Attachment contents: upload, extraction in worker threads, receipts (issue 14). */
  uploads: AttachmentUploads;
  extraction: ExtractionPool;
}

/** Hosts allowed to frame the pages: Teams, Outlook and Office on the web. */
const FRAME_ANCESTORS = [
  "'self'",
  "https://teams.microsoft.com",
  "https://*.teams.microsoft.com",
  "https://*.cloud.microsoft",
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://outlook.live.com",
  "https://*.office.com",
  "https://*.officeapps.live.com",
  "https://*.microsoft365.com",
];

const ADDIN_ORIGINS_SCRIPT = ["'self'", "https://appsforoffice.microsoft.com", "https://res.cdn.office.net", "https://res-1.cdn.office.net"];

export function createServices(storage: Storage, config: Config, log: Logger, graphAuth?: GraphAuth, publicOrigin: () => string = () => config.PUBLIC_URL ?? ""): Services {
  const directoryRepo = new DirectoryRepository(storage);
  const directory = new DirectoryService(directoryRepo, config.DIRECTORY_CACHE_SECONDS);
  const keys = IntegrityKeys.fromConfig(config.INTEGRITY_KEYS);
  const registerRepo = new RegisterRepository(storage, keys);
  const checkpoints = new CheckpointService(registerRepo, keys, new BlobCheckpointStore(storage.account, `${config.TABLE_PREFIX.toLowerCase()}-checkpoints`));
  const graph = createGraphServices({ config, directory, log, stampKey: checkStampKey(config), ...(graphAuth ? { auth: graphAuth } : {}) });
  const extraction = new ExtractionPool({ budgetMs: config.ATTACHMENT_EXTRACT_BUDGET_MS });
  const uploads = new AttachmentUploads(directory, extraction, new AttachmentReceipts(config.ATTACHMENT_RECEIPT_SECRET));
  const checkRepo = new CheckRepository(storage);
  const checks = new SendCheckService(
    directory,
    registerRepo,
    checkRepo,
    checkStampKey(config),
    new TextReader({ inlineChars: config.CHECK_INLINE_TEXT_CHARS, budgetMs: config.CHECK_TEXT_BUDGET_MS }),
    graph.recipients,
    uploads.receipts,
  );
  const auditStatus = new AuditStatusStore(storage, keys);
  const register = new RegisterService(registerRepo, directory, { checkpoints, log, status: auditStatus }, config.DIRECTORY_CACHE_SECONDS);
  const links = new ParentLinks(storage, keys);
  // The open requests per school: told of each request made and each answer; a tenant's older requests are indexed once from the follow-up list.
  const openRequests = new OpenRequestIndex(storage, async (tenantId): Promise<OpenRequestEntry[]> => openEntries(await followUp.list(tenantId, undefined), await directory.snapshot(tenantId)));
  const requests = new ConsentRequestService(
    storage,
    directory,
    {
      async issue(tenantId, requestId, holder, expiresAt) {
        const { linkId, token } = await links.issue(tenantId, requestId, holder, expiresAt);
        return { linkId, url: `${publicOrigin().replace(/\/$/, "")}/api/parents/${token}` };
      },
    },
    openRequests,
  );
  register.requestAnswered = (tenantId, schoolId, requestId, holder) => openRequests.answered(tenantId, schoolId, requestId, holder);
  const followUp = new FollowUp(requests, links, registerRepo, register, directory);
  const views = new ViewLog(storage);
  const sentItemsRepo = new SentItemsRepository(storage);
  // Every copy of personal data is purged through its owner's repository (docs/RETENTION.md).
  const retention = new RetentionService(storage, directory, directoryRepo, registerRepo, {
    idempotency: (tenantId, now, dryRun) => purgeExpiredIdempotency(storage, tenantId, now.getTime(), IDEMPOTENCY_TTL_MS, dryRun),
    checks: checkRepo,
    requests,
    links,
    views,
    reviews: sentItemsRepo,
    originals: graph.originals,
  });
  const adminLog = new AdminLog(storage, keys);
  const backups = new BackupService(storage, BackupKeys.fromConfig(config.BACKUP_KEYS), keys, config.BACKUP_DIR, (tenantId) => {
    directory.invalidate(tenantId);
    register.forgetOverview(tenantId);
  });
  return {
    directory,
    registerRepo,
    checkpoints,
    auditStatus,
    register,
    checks,
    requests,
    portal: new ParentPortal(links, requests, register, registerRepo, directory),
    followUp,
    openRequests,
    parentLinks: links,
    retention,
    views,
    adminLog,
    approvals: new ApprovalService(storage, directory, retention, adminLog, { backups, register: registerRepo }),
    backups,
    graph,
    sync: createSyncServices({ clients: graph.clients, directory, config, log }),
    uploads,
    extraction,
    sentItems: new SentItemsService({
      checks,
      checkRepo,
      register: registerRepo,
      repo: sentItemsRepo,
      directory,
      graph: (tenantId) => graph.forApp(tenantId),
      graphBaseUrl: config.GRAPH_BASE_URL,
      stampKey: checkStampKey(config),
      log,
      addinIds: config.OUTLOOK_ADDIN_IDS,
      // Change notifications need an address Graph can post to: PUBLIC_URL, or in dev mode with a Graph
      // (the local simulation of npm start) the address this server listens on.
      ...(config.PUBLIC_URL || (config.devMode && graph.configured)
        ? {
            subscriptions: new Subscriptions(new SubscriptionRepository(storage), {
              notificationUrl: () => `${(config.PUBLIC_URL ?? publicOrigin()).replace(/\/+$/, "")}/api/graph/notifications`,
              minutes: config.SENT_ITEMS_SUBSCRIPTION_MINUTES,
              renewBeforeMinutes: config.SENT_ITEMS_RENEW_BEFORE_MINUTES,
              meetings: config.OUTLOOK_ADDIN_IDS.length > 0,
            }),
          }
        : {}),
    }),
  };
}

/** Where the records a route's scope names belong (server/http/api.ts enforces the school scope with it). */
function schoolResolver(services: Services): SchoolResolver {
  const ofStudent = async (tenantId: string, studentId: string): Promise<string[] | undefined> => {
    const s = (await services.directory.snapshot(tenantId)).studentById.get(studentId);
    return s ? [s.schoolId] : undefined;
  };
  return async (tenantId, via, id) => {
    switch (via) {
      case "school":
        return [id];
      case "student":
        return ofStudent(tenantId, id);
      case "consent": {
        let studentId: string;
        try {
          studentId = studentIdOfEvent(id);
        } catch {
          return undefined;
        }
        return ofStudent(tenantId, studentId);
      }
      case "consent-request": {
        const r = await services.requests.get({ userId: "", tenantId, roles: [], schools: "all" }, id).catch(() => undefined);
        return r ? ofStudent(tenantId, r.studentId) : undefined;
      }
      case "check": {
        const c = await services.checks.stored(tenantId, id);
        if (!c) return undefined;
        const snap = await services.directory.snapshot(tenantId);
        return c.result.students.map((s) => snap.studentById.get(s.id)?.schoolId ?? "");
      }
      case "approval":
        return services.approvals.schoolOf(tenantId, id);
      case "review-item":
        return services.sentItems.reviewSchools(tenantId, id);
      case "breach":
        return services.sentItems.breachSchools(tenantId, id);
      default:
        return undefined;
    }
  };
}

function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      // Route pattern only: never the URL (queries may hold an address) nor any body.
      log.info(
        { method: req.method, route: routeOf(req), status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6, tenant: req.principal?.tenantId },
        "request",
      );
    });
    next();
  };
}

/**
 * CORS for the add-in's runtimes. Origins are compared normalised (see normalizeOrigin: classic Outlook
 * sends "https://host/"); the answer echoes the Origin exactly as sent, since that is what the caller
 * compares. The add-in's own origin is always allowed. Since build 2402 classic Outlook rejects an answer
 * without a matching Access-Control-Allow-Origin, so it is on the preflight and on the answer itself.
 */
function cors(allowed: () => ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const normal = origin ? normalizeOrigin(origin) : undefined;
    const ok = origin !== undefined && normal !== undefined && allowed().has(normal);
    if (origin !== undefined) res.vary("Origin");
    if (ok) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Headers", "authorization, content-type, accept, accept-language, idempotency-key, x-zv-check, x-zv-name");
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
      res.setHeader("Access-Control-Max-Age", "600");
    }
    if (req.method === "OPTIONS") {
      res.status(ok ? 204 : 403).end();
      return;
    }
    next();
  };
}

/**
 * Dev mode answers only to a loopback Host (localhost, 127.0.0.1, [::1], any port): a page on another
 * site that rebinds its DNS name to 127.0.0.1 sends its own name as Host, and gets 421 instead of a
 * dev coordinator token (issue 16).
 */
const DEV_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;
function devHostGuard(): RequestHandler {
  return (req, res, next) => {
    if (DEV_HOSTS.test(req.headers.host ?? "")) return next();
    next(new AppError(421, "HOST_NOT_ALLOWED", "Dev mode answers only to localhost, 127.0.0.1 or [::1]"));
  };
}

export function createApp(deps: AppDeps): { app: Express; services: Services; api: ApiBuilder } {
  const { config, storage, log } = deps;
  const services = createServices(storage, config, log, deps.graphAuth, deps.publicOrigin);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.devMode ? false : 1);
  app.use(requestLog(log));
  if (config.devMode) app.use(devHostGuard());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ADDIN_ORIGINS_SCRIPT,
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          // teams-js fetches its runtime configuration from the Office CDN inside Teams.
          connectSrc: ["'self'", "https://res.cdn.office.net", "https://res-1.cdn.office.net"],
          frameAncestors: FRAME_ANCESTORS,
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      frameguard: false, // frame-ancestors above decides; X-Frame-Options would block Teams and Outlook
      crossOriginEmbedderPolicy: false,
    }),
  );
  const configured = config.CORS_ORIGINS.split(",")
    .map((s) => normalizeOrigin(s))
    .filter((s): s is string => s !== undefined);
  let cached: { own: string; set: ReadonlySet<string> } | undefined;
  const allowedOrigins = (): ReadonlySet<string> => {
    const own = normalizeOrigin(deps.publicOrigin()) ?? "";
    if (cached?.own !== own) cached = { own, set: new Set(own ? [own, ...configured] : configured) };
    return cached.set;
  };
  app.use(cors(allowedOrigins));

  app.get("/healthz", async (_req, res) => {
    const ok = await storage
      .getOrUndefined("Meta", "health", "health")
      .then(() => true)
      .catch(() => false);
    res.status(ok ? 200 : 503).json({ ok, storage: ok ? "up" : "down" });
  });

  // Every route: an Idempotency-Key on a POST replays the first answer; views of a register are recorded.
  const api = new ApiBuilder({
    defaultBodyLimit: config.BODY_LIMIT,
    extra: [idempotency(storage), viewLogging(services.views)],
    anonymous: [anonymousRateLimit(config.RATE_LIMIT_PER_MINUTE_ANONYMOUS)],
    validateResponses: config.validateResponses,
    schoolsOf: schoolResolver(services),
    afterSuccess: adminLogHook(services.adminLog),
  });
  directoryRoutes(api, services.directory, config.IMPORT_BODY_LIMIT);
  registerRoutes(api, {
    register: services.register,
    repo: services.registerRepo,
    directory: services.directory,
    requests: services.requests,
    messages: services.graph,
    mail: services.graph,
    breachesOf: (tenantId, studentId) => services.sentItems.breachesOf(tenantId, studentId),
    openWork: async (tenantId, schools, at) => {
      const [openRequests, toReview] = await Promise.all([services.openRequests.count(tenantId, schools, at), services.sentItems.openReviewCount(tenantId, schools)]);
      return { openRequests, toReview };
    },
  });
  documentRoutes(api, {
    directory: services.directory,
    repo: services.registerRepo,
    register: services.register,
    requests: services.requests,
    views: services.views,
    breachesOf: (tenantId, studentId) => services.sentItems.breachesOf(tenantId, studentId),
  });
  portalRoutes(api, {
    portal: services.portal,
    followUp: services.followUp,
    requests: services.requests,
    register: services.register,
    directory: services.directory,
    messages: services.graph,
    mail: services.graph,
    rateLimit: { perAddress: config.PARENT_PAGE_RATE_PER_MINUTE, perInstance: config.PARENT_PAGE_RATE_PER_MINUTE_INSTANCE },
  });
  sendCheckRoutes(api, services.checks, services.uploads);
  sentItemsRoutes(api, services.sentItems);
  retentionRoutes(api, services.retention, services.views);
  accountabilityRoutes(api, { log: services.adminLog, approvals: services.approvals, views: services.views });
  backupRoutes(api, services.backups);
  api.implement(routes.me, async ({ principal: p }) => ({ user: p.userId, tenantId: p.tenantId, roles: p.roles, schools: p.schools === "all" ? ("all" as const) : [...p.schools], devMode: config.devMode, graph: services.graph.configured }));
  graphRoutes(api, services.graph, services.directory);
  syncRoutes(api, services.sync, services.directory, config.IMPORT_BODY_LIMIT, config.IMPORT_BATCH_ROWS);
  api.implement(routes.openapi, async () => api.openapi({ title: "Zorgvuldig API", version: "0.1.0" }));

  // Answers of the API hold personal data: never kept by a browser or proxy cache (errors included).
  app.use("/api", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.use("/api", api.anonymousRouter);
  app.use(
    "/api",
    authenticate(deps.verifier),
    rateLimit({ perUserPerMinute: config.RATE_LIMIT_PER_MINUTE_USER, perTenantPerMinute: config.RATE_LIMIT_PER_MINUTE_TENANT }),
    api.router,
  );
  app.use("/api", notFoundRoute);

  if (deps.devIssuer) {
    const issuer = deps.devIssuer;
    app.post("/dev/token", express.json({ limit: "4kb" }), async (req, res) => {
      const b = parse(devTokenRequest, req.body, "body");
      const tenantId = (b.tenantId ?? DEMO_TENANT_ID).toLowerCase();
      const token = await issuer.issue(b.user, tenantId, b.roles ?? ["coordinator"], undefined, b.schools ?? ["*"]);
      res.status(201).json(devToken.parse({ token, expiresIn: 8 * 3600, tenantId }));
    });
  }

  if (config.devMode && deps.devRoutes) app.use("/dev/outlook", deps.devRoutes);

  // The built front ends. The playground is a simulation and exists only in dev mode.
  const serve = (urlPath: string, dir: string): void => {
    const abs = path.join(deps.distDir, dir);
    app.use(urlPath, express.static(abs, { index: "index.html", fallthrough: true, maxAge: config.devMode ? 0 : "1h" }));
  };
  // The add-in's settings for its scripts: the backend's address and, in Entra mode, the app and scope
  // nested app authentication asks a token for (nothing secret).
  const addinConfig = (): string => {
    const origin = deps.publicOrigin();
    const naa = config.ENTRA_CLIENT_ID
      ? { clientId: config.ENTRA_CLIENT_ID, apiScope: `api://${new URL(origin).host}/${config.ENTRA_CLIENT_ID}/${config.ENTRA_REQUIRED_SCOPE}` }
      : {};
    return `var __ZV_CONFIG__=${JSON.stringify({ apiBaseUrl: origin, devMode: config.devMode, ...naa })};\n`;
  };
  // The task pane and the event runtime page load it before their bundles.
  app.get("/addin/config.js", (_req, res) => {
    res.type("application/javascript").setHeader("Cache-Control", "no-cache").send(addinConfig());
  });
  // Classic Outlook runs onsend.js without a page: the script itself is told where the backend is.
  app.get("/addin/onsend.js", async (_req, res, next) => {
    try {
      const file = await readFile(path.join(deps.distDir, "addin", "onsend.js"), "utf8");
      res.type("application/javascript").setHeader("Cache-Control", "no-cache").send(addinConfig() + file);
    } catch {
      next();
    }
  });
  serve("/addin", "addin");
  serve("/tab", "tab");
  if (config.devMode) serve("/playground", "playground");
  // Lists the on-send script so classic Outlook may run it (Smart Alerts' JavaScript-only runtime).
  app.get("/.well-known/microsoft-officeaddins-allowed.json", (_req, res) => {
    const base = deps.publicOrigin();
    res.json({ allowed: [`${base}/addin/onsend.js`, `${base}/addin/commands.html`] });
  });
  app.get("/", (_req, res) => {
    res.redirect(config.devMode && existsSync(path.join(deps.distDir, "playground")) ? "/playground/" : "/tab/");
  });

  app.use(notFoundRoute);
  app.use(errorMiddleware(log));
  return { app, services, api };
}

export { AppError };

import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import path from "node:path";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { checkStampKey, normalizeOrigin, type Config } from "./config.js";
import type { Logger } from "./shared/logger.js";
import { AppError, errorMiddleware, notFoundRoute, routeOf } from "./shared/errors.js";
import { ApiBuilder, parse } from "./shared/http.js";
import type { Storage } from "./shared/storage.js";
import { authenticate, DevIssuer, ROLES, type TokenVerifier } from "./identity/auth.js";
import { DirectoryRepository } from "./directory/repository.js";
import { DirectoryService } from "./directory/service.js";
import { directoryRoutes } from "./directory/routes.js";
import { RegisterRepository } from "./register/repository.js";
import { RegisterService } from "./register/service.js";
import { ConsentRequestService } from "./register/requests.js";
import { registerRoutes } from "./register/routes.js";
import { CheckRepository } from "./sendcheck/repository.js";
import { SendCheckService } from "./sendcheck/service.js";
import { sendCheckRoutes } from "./sendcheck/routes.js";
import { SentItemsRepository } from "./sentitems/repository.js";
import { SentItemsService } from "./sentitems/service.js";
import { sentItemsRoutes } from "./sentitems/routes.js";
import { RetentionService } from "./retention/service.js";
import { retentionRoutes } from "./retention/routes.js";
import { ViewLog, viewLogging } from "./accountability/views.js";
import { idempotency } from "./shared/idempotency.js";
import { rateLimit } from "./shared/ratelimit.js";
import { createGraphServices, graphRoutes, type GraphServices } from "./graph/routes.js";
import type { GraphAuth } from "./graph/client.js";

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
}

export interface Services {
  sentItems: SentItemsService;
  directory: DirectoryService;
  register: RegisterService;
  registerRepo: RegisterRepository;
  checks: SendCheckService;
  requests: ConsentRequestService;
  retention: RetentionService;
  views: ViewLog;
  graph: GraphServices;
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

export function createServices(storage: Storage, config: Config, log: Logger, graphAuth?: GraphAuth): Services {
  const directoryRepo = new DirectoryRepository(storage);
  const directory = new DirectoryService(directoryRepo, config.DIRECTORY_CACHE_SECONDS);
  const registerRepo = new RegisterRepository(storage);
  const checkRepo = new CheckRepository(storage);
  const checks = new SendCheckService(directory, registerRepo, checkRepo, checkStampKey(config));
  const graph = createGraphServices({ config, directory, log, ...(graphAuth ? { auth: graphAuth } : {}) });
  return {
    directory,
    registerRepo,
    register: new RegisterService(registerRepo, directory),
    checks,
    requests: new ConsentRequestService(storage, directory),
    retention: new RetentionService(storage, directory, directoryRepo, registerRepo),
    views: new ViewLog(storage),
    graph,
    sentItems: new SentItemsService({
      checks,
      checkRepo,
      register: registerRepo,
      repo: new SentItemsRepository(storage),
      directory,
      graph: (tenantId) => graph.forApp(tenantId),
      graphBaseUrl: config.GRAPH_BASE_URL,
      stampKey: checkStampKey(config),
    }),
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
      res.setHeader("Access-Control-Allow-Headers", "authorization, content-type, accept, accept-language, idempotency-key");
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

export function createApp(deps: AppDeps): { app: Express; services: Services; api: ApiBuilder } {
  const { config, storage, log } = deps;
  const services = createServices(storage, config, log, deps.graphAuth);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.devMode ? false : 1);
  app.use(requestLog(log));
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
  const api = new ApiBuilder(config.BODY_LIMIT, [idempotency(storage), viewLogging(services.views)]);
  directoryRoutes(api, services.directory, config.IMPORT_BODY_LIMIT);
  registerRoutes(api, {
    register: services.register,
    repo: services.registerRepo,
    directory: services.directory,
    requests: services.requests,
    graph: services.graph,
    breachesOf: (tenantId, studentId) => services.sentItems.breachesOf(tenantId, studentId),
  });
  sendCheckRoutes(api, services.checks);
  sentItemsRoutes(api, services.sentItems);
  retentionRoutes(api, services.retention, services.views);
  api.add({
    method: "get",
    path: "/me",
    tag: "identity",
    summary: "Who is calling: user, tenant, roles and whether the server runs in dev mode",
    role: "any",
    handler: async ({ principal: p }) => ({ user: p.userId, tenantId: p.tenantId, roles: p.roles, devMode: config.devMode, graph: services.graph.configured }),
  });
  graphRoutes(api, services.graph, services.directory, config.IMPORT_BODY_LIMIT);

  app.get("/api/openapi.json", (_req, res) => {
    res.json(api.openapi({ title: "Zorgvuldig API", version: "0.1.0" }));
  });
  app.use(
    "/api",
    authenticate(deps.verifier),
    rateLimit({ perUserPerMinute: config.RATE_LIMIT_PER_MINUTE_USER, perTenantPerMinute: config.RATE_LIMIT_PER_MINUTE_TENANT }),
    api.router,
  );
  app.use("/api", notFoundRoute);

  if (deps.devIssuer) {
    const issuer = deps.devIssuer;
    const devTokenBody = z
      .object({
        user: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._@-]+$/),
        tenantId: z.string().uuid().optional(),
        roles: z.array(z.enum(ROLES)).min(1).max(3).optional(),
      })
      .strict();
    app.post("/dev/token", express.json({ limit: "4kb" }), async (req, res) => {
      const b = parse(devTokenBody, req.body, "body");
      const tenantId = (b.tenantId ?? DEMO_TENANT_ID).toLowerCase();
      const token = await issuer.issue(b.user, tenantId, b.roles ?? ["coordinator"]);
      res.status(201).json({ token, expiresIn: 8 * 3600, tenantId });
    });
  }

  // The built front ends. The playground is a simulation and exists only in dev mode.
  const serve = (urlPath: string, dir: string): void => {
    const abs = path.join(deps.distDir, dir);
    app.use(urlPath, express.static(abs, { index: "index.html", fallthrough: true, maxAge: config.devMode ? 0 : "1h" }));
  };
  // Classic Outlook runs onsend.js without a page: the script itself is told where the backend is.
  app.get("/addin/onsend.js", async (_req, res, next) => {
    try {
      const file = await readFile(path.join(deps.distDir, "addin", "onsend.js"), "utf8");
      const origin = deps.publicOrigin();
      const prefix = `var __ZV_CONFIG__=${JSON.stringify({ apiBaseUrl: origin, devMode: config.devMode })};\n`;
      res.type("application/javascript").setHeader("Cache-Control", "no-cache").send(prefix + file);
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

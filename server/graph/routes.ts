import express, { Router, type Request } from "express";
import { z } from "zod";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { DirectoryService } from "../directory/service.js";
import { policyFor } from "../directory/domain.js";
import { principalOf, requireRole } from "../identity/auth.js";
import { parse } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import { AppError } from "../shared/errors.js";
import { importStudentCsv } from "../identity/csv-import.js";
import { SdsSync, startSdsSchedule, type SdsSchedule } from "../identity/sds-sync.js";
import { GraphAuth, GraphClients, SCOPES } from "./client.js";
import { fetchEvidence } from "./evidence.js";
import { LocalFolderBlobStore, type BlobStore } from "./blob-store.js";

/**
 * Identity and Microsoft Graph routes, mounted under /api behind `authenticate`:
 *
 *   POST /api/sync/sds                 coordinator  School Data Sync now -> report with import counts
 *   POST /api/import/csv?schoolId=     coordinator  text/csv student-system export -> report with counts
 *   POST /api/evidence/graph           coordinator  {graphMessageId, studentId?, schoolId?} -> evidence
 *
 * Graph needs Entra mode (ENTRA_CLIENT_ID and a secret or certificate); in dev mode the Graph routes
 * answer 503 GRAPH_ERROR and the CSV import works as usual.
 */
export interface GraphRouterDeps {
  config: Config;
  directory: DirectoryService;
  log: Logger;
  /** Injected in tests (a fake authority); otherwise made from config. */
  auth?: GraphAuth;
  blobStore?: BlobStore;
  /** Injected in tests (no real waiting on Retry-After). */
  sleep?: (ms: number) => Promise<void>;
  /** Start the SDS schedule when configured (default true); tests turn it off. */
  schedule?: boolean;
}

const evidenceBody = z
  .object({
    graphMessageId: z.string().min(1).max(1000),
    studentId: id.optional(),
    schoolId: id.optional(),
  })
  .strict();

const csvQuery = z.object({ schoolId: id }).strict();

function bearerOf(req: Request): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) throw new AppError(401, "UNAUTHENTICATED", "Sign in first");
  return m[1];
}

export function graphRouter(deps: GraphRouterDeps): Router & { sdsSchedule?: SdsSchedule } {
  const { config, directory, log } = deps;
  const router: Router & { sdsSchedule?: SdsSchedule } = Router();
  const auth = deps.auth ?? GraphAuth.fromConfig(config);
  const clients = auth
    ? new GraphClients(auth, config.GRAPH_BASE_URL, {
        maxRetries: config.GRAPH_MAX_RETRIES,
        maxRetryAfterSeconds: config.GRAPH_MAX_RETRY_AFTER_SECONDS,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      })
    : undefined;
  const store = deps.blobStore ?? (config.EVIDENCE_DIR ? new LocalFolderBlobStore(config.EVIDENCE_DIR) : undefined);
  const sync = clients
    ? new SdsSync((tid) => clients.forApp(tid), directory, {
        newGuardianHasAuthority: config.SDS_NEW_GUARDIAN_HAS_AUTHORITY,
        graphBaseUrl: config.GRAPH_BASE_URL,
      })
    : undefined;
  const needGraph = (): GraphClients => {
    if (!clients) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server (dev mode, or no client secret or certificate)");
    return clients;
  };

  router.post("/sync/sds", requireRole("coordinator"), async (req, res) => {
    const p = principalOf(req);
    needGraph();
    if (!sync) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server");
    const report = await sync.run(p.tenantId);
    res.status(200).json(report);
  });

  router.post(
    "/import/csv",
    requireRole("coordinator"),
    express.text({ type: ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"], limit: config.IMPORT_BODY_LIMIT, defaultCharset: "utf-8" }),
    async (req, res) => {
      const p = principalOf(req);
      const q = parse(csvQuery, { ...req.query }, "query");
      if (typeof req.body !== "string" || req.body.length === 0)
        throw new AppError(415 as number, "UNPROCESSABLE", "Send the export as text/csv (UTF-8)");
      const report = await importStudentCsv(directory, p.tenantId, q.schoolId, req.body);
      res.status(200).json(report);
    },
  );

  router.post("/evidence/graph", requireRole("coordinator"), express.json({ limit: "8kb" }), async (req, res) => {
    const p = principalOf(req);
    const body = parse(evidenceBody, req.body, "body");
    const graph = needGraph().forUser(p.tenantId, bearerOf(req), SCOPES.evidence);
    const snap = await directory.snapshot(p.tenantId);
    let schoolId = body.schoolId;
    if (body.studentId) {
      const s = snap.studentById.get(body.studentId);
      if (!s) throw new AppError(404, "NOT_FOUND", "Student not found");
      schoolId = s.schoolId;
    }
    if (!schoolId && snap.directory.schools.length === 1) schoolId = snap.directory.schools[0]?.id;
    // Keeping the MIME is the school's choice; without a known school, keep nothing (minimal data).
    const keep = schoolId ? policyFor(snap.directory, schoolId).keepOriginalMessages : false;
    const ev = await fetchEvidence(graph, body.graphMessageId, { tenantId: p.tenantId, keep, ...(store ? { store } : {}) });
    const { mime: _mime, storedAs, ...evidence } = ev;
    res.status(200).json({ ...evidence, kept: storedAs !== undefined });
  });

  if (sync && deps.schedule !== false && config.SDS_SYNC_INTERVAL_MINUTES > 0) {
    const tenants = config.SDS_SYNC_TENANTS.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (tenants.length > 0) {
      router.sdsSchedule = startSdsSchedule(sync, tenants, config.SDS_SYNC_INTERVAL_MINUTES, log);
      log.info({ tenants: tenants.length, minutes: config.SDS_SYNC_INTERVAL_MINUTES }, "sds sync scheduled");
    }
  }
  return router;
}

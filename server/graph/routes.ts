import type { Request, Router } from "express";
import { z } from "zod";
import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import type { Client } from "@microsoft/microsoft-graph-client";
import { checkStampKey, type Config } from "../config.js";
import { stampOf } from "../sendcheck/digest.js";
import type { DirectoryService } from "../directory/service.js";
import { policyFor } from "../directory/domain.js";
import type { Principal } from "../identity/auth.js";
import { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import { AppError } from "../shared/errors.js";
import { importStudentCsv } from "../identity/csv-import.js";
import { SdsSync, startSdsSchedule, type SdsSchedule } from "../identity/sds-sync.js";
import { GraphAuth, GraphClients, SCOPES } from "./client.js";
import { fetchEvidence, keepOriginal, type ServerEvidence } from "./evidence.js";
import { sendConsentRequest, type ConsentRequestMail, type SentRequest } from "./consent-request.js";
import { LocalFolderBlobStore, type BlobStore } from "./blob-store.js";

/**
 * Identity and Microsoft Graph, declared like every other route (OpenAPI, roles, idempotency):
 *
 *   POST /api/sync/sds                 coordinator  School Data Sync now -> report with import counts
 *   POST /api/import/csv?schoolId=     coordinator  text/csv student-system export -> report with counts
 *   POST /api/evidence/graph           coordinator  {graphMessageId, studentId?, schoolId?} -> evidence
 *
 * Graph needs Entra mode (ENTRA_CLIENT_ID and a secret or certificate); in dev mode the Graph routes
 * answer 503 GRAPH_ERROR and the CSV import works as usual.
 */
export interface GraphDeps {
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

/** What the rest of the server uses of Graph: evidence from the original message, and sending mail. */
export interface GraphServices {
  readonly configured: boolean;
  /**
   * The server's own evidence of a message: SHA-256 of Graph's MIME. The MIME is kept when the school's
   * policy says so, unless `keep` is false (then the caller keeps it with keepOriginal once it is sure).
   */
  evidence(p: Principal, userToken: string, graphMessageId: string, schoolId?: string, keep?: boolean): Promise<ServerEvidence>;
  /** Keeps the original message when the school's policy says so; returns where, or undefined. */
  keepOriginal(p: Principal, ev: ServerEvidence, schoolId: string): Promise<string | undefined>;
  /** Sends a mail from the user's mailbox (draft, then send) and returns its Internet Message-ID. */
  send(p: Principal, userToken: string, mail: ConsentRequestMail): Promise<SentRequest>;
  sync(p: Principal): Promise<unknown>;
  /** An app-only client for a tenant (reading the senders' Sent Items); 503 when Graph is not configured. */
  forApp(tenantId: string): Client;
  readonly baseUrl: string;
  close(): void;
}

export function createGraphServices(deps: GraphDeps): GraphServices {
  const { config, directory, log } = deps;
  const auth = deps.auth ?? GraphAuth.fromConfig(config);
  const clients = auth
    ? new GraphClients(auth, config.GRAPH_BASE_URL, {
        maxRetries: config.GRAPH_MAX_RETRIES,
        maxRetryAfterSeconds: config.GRAPH_MAX_RETRY_AFTER_SECONDS,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      })
    : undefined;
  const store = deps.blobStore ?? (config.EVIDENCE_DIR ? new LocalFolderBlobStore(config.EVIDENCE_DIR) : undefined);
  const sds = clients
    ? new SdsSync((tid) => clients.forApp(tid), directory, {
        newGuardianHasAuthority: config.SDS_NEW_GUARDIAN_HAS_AUTHORITY,
        graphBaseUrl: config.GRAPH_BASE_URL,
      })
    : undefined;
  const needGraph = (): GraphClients => {
    if (!clients) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server (dev mode, or no client secret or certificate)");
    return clients;
  };
  let schedule: SdsSchedule | undefined;
  if (sds && deps.schedule !== false && config.SDS_SYNC_INTERVAL_MINUTES > 0) {
    const tenants = config.SDS_SYNC_TENANTS.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (tenants.length > 0) {
      schedule = startSdsSchedule(sds, tenants, config.SDS_SYNC_INTERVAL_MINUTES, log);
      log.info({ tenants: tenants.length, minutes: config.SDS_SYNC_INTERVAL_MINUTES }, "sds sync scheduled");
    }
  }
  return {
    configured: clients !== undefined,
    async evidence(p, userToken, graphMessageId, schoolId, keep) {
      const graph = needGraph().forUser(p.tenantId, userToken, SCOPES.evidence);
      const snap = await directory.snapshot(p.tenantId);
      const school = schoolId ?? (snap.directory.schools.length === 1 ? snap.directory.schools[0]?.id : undefined);
      // Keeping the MIME is the school's choice; without a known school, keep nothing (minimal data).
      const policyKeeps = school ? policyFor(snap.directory, school).keepOriginalMessages : false;
      return fetchEvidence(graph, graphMessageId, { tenantId: p.tenantId, keep: keep !== false && policyKeeps, ...(store ? { store } : {}) });
    },
    async keepOriginal(p, ev, schoolId) {
      const snap = await directory.snapshot(p.tenantId);
      if (!policyFor(snap.directory, schoolId).keepOriginalMessages) return undefined;
      return keepOriginal(store, p.tenantId, ev);
    },
    async send(p, userToken, mail) {
      // The server's own mail carries a check stamp from creation: Sent Items counts it as checked.
      const stamp = stampOf(checkStampKey(config), p.tenantId, `srv_${randomBytes(12).toString("hex")}`);
      return sendConsentRequest(needGraph().forUser(p.tenantId, userToken, SCOPES.consentRequest), mail, stamp);
    },
    forApp(tenantId) {
      return needGraph().forApp(tenantId);
    },
    baseUrl: config.GRAPH_BASE_URL,
    async sync(p) {
      needGraph();
      if (!sds) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server");
      return sds.run(p.tenantId);
    },
    close() {
      schedule?.stop();
    },
  };
}

const evidenceBody = z
  .object({
    graphMessageId: z.string().min(1).max(1000),
    studentId: id.optional(),
    schoolId: id.optional(),
  })
  .strict();

export function bearerOf(req: Request): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m?.[1]) throw new AppError(401, "UNAUTHENTICATED", "Sign in first");
  return m[1];
}

export function graphRoutes(api: ApiBuilder, graph: GraphServices, directory: DirectoryService, importBodyLimit: string): void {
  api.add({
    method: "post",
    path: "/sync/sds",
    tag: "identity",
    summary: "Run the School Data Sync now: schools, students and guardians from Microsoft Graph (never deletes)",
    role: "coordinator",
    status: 200,
    handler: ({ principal }) => graph.sync(principal),
  });
  api.add({
    method: "post",
    path: "/import/csv",
    tag: "identity",
    summary: "Import a student-system export (semicolon-separated CSV) into one school",
    role: "coordinator",
    bodyType: "csv",
    body: z.string().min(1, "Send the export as text/csv (UTF-8)"),
    query: z.object({ schoolId: id }).strict(),
    bodyLimit: importBodyLimit,
    status: 200,
    handler: ({ principal, query, body }) => importStudentCsv(directory, principal.tenantId, query.schoolId, body),
  });
  api.add({
    method: "post",
    path: "/evidence/graph",
    tag: "identity",
    summary: "The server's evidence of an Outlook message: SHA-256 of its original MIME from Graph",
    role: "coordinator",
    body: evidenceBody,
    status: 200,
    handler: async ({ req, principal, body }) => {
      let schoolId = body.schoolId;
      if (body.studentId) schoolId = (await directory.student(principal.tenantId, body.studentId)).schoolId;
      const { mime: _mime, storedAs, ...evidence } = await graph.evidence(principal, bearerOf(req), body.graphMessageId, schoolId);
      return { ...evidence, kept: storedAs !== undefined };
    },
  });
}

/** The Graph routes on their own router (tests mount it behind `authenticate`). */
export function graphRouter(deps: GraphDeps): Router {
  const api = new ApiBuilder(deps.config.BODY_LIMIT);
  graphRoutes(api, createGraphServices(deps), deps.directory, deps.config.IMPORT_BODY_LIMIT);
  return api.router;
}

import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import type { Client } from "@microsoft/microsoft-graph-client";
import { stampOf } from "../sendcheck/digest.js";
import type { DirectoryService } from "../directory/service.js";
import { policyFor } from "../directory/domain.js";
import type { MailSender, MessageEvidenceSource } from "../register/ports.js";
import { AppError } from "../shared/errors.js";
import { GraphAuth, GraphClients, SCOPES, type GraphConfig } from "./client.js";
import { fetchEvidence, keepOriginal } from "./evidence.js";
import { sendConsentRequest, sendMailAsApp } from "./consent-request.js";
import { LocalFolderBlobStore, type BlobStore } from "./blob-store.js";
import { GraphRecipientResolver } from "./recipients.js";
import type { RecipientResolver } from "../sendcheck/recipients.js";

/**
 * Microsoft Graph as the rest of the server uses it: the register's ports (the evidence of a message,
 * sending mail; server/register/ports.ts) and the app-only clients the School Data Sync reads with
 * (server/sync/). Graph needs Entra mode (ENTRA_CLIENT_ID and a secret or certificate); in dev mode
 * the Graph operations answer 503 GRAPH_ERROR.
 */
export interface GraphDeps {
  config: GraphConfig;
  directory: DirectoryService;
  log: Logger;
  /** Injected in tests (a fake authority); otherwise made from config. */
  auth?: GraphAuth;
  blobStore?: BlobStore;
  /** Injected in tests (no real waiting on Retry-After). */
  sleep?: (ms: number) => Promise<void>;
  /** Key of the x-zorgvuldig-check stamp the server's own mail carries (config.checkStampKey). */
  stampKey?: string;
}

export interface GraphServices extends MessageEvidenceSource, MailSender {
  readonly configured: boolean;
  /** The Graph clients (undefined without Entra credentials). */
  readonly clients: GraphClients | undefined;
  /** Resolves X500 addresses, names and lists on behalf of the user (undefined in dev mode). */
  readonly recipients: RecipientResolver | undefined;
  /**
   * Sends a mail as `mailbox` with the app's token (application Mail.Send; the scheduled reminders), with
   * the server's check stamp; 503 when Graph is not configured, 403 GRAPH_ERROR outside the RBAC scope.
   */
  sendAsApp(tenantId: string, mailbox: string, mail: { to: string[]; subject: string; bodyHtml: string }): Promise<void>;
  /** An app-only client for a tenant (reading the senders' Sent Items); 503 when Graph is not configured. */
  forApp(tenantId: string): Client;
  /** Where kept original messages are (undefined: none configured); the retention purge removes them there. */
  readonly originals: BlobStore | undefined;
}

export function createGraphServices(deps: GraphDeps): GraphServices {
  const { config, directory } = deps;
  const auth = deps.auth ?? GraphAuth.fromConfig(config);
  const clients = auth
    ? new GraphClients(auth, config.GRAPH_BASE_URL, {
        maxRetries: config.GRAPH_MAX_RETRIES,
        maxRetryAfterSeconds: config.GRAPH_MAX_RETRY_AFTER_SECONDS,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      })
    : undefined;
  const store = deps.blobStore ?? (config.EVIDENCE_DIR ? new LocalFolderBlobStore(config.EVIDENCE_DIR) : undefined);
  const needGraph = (): GraphClients => {
    if (!clients) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server (dev mode, or no client secret or certificate)");
    return clients;
  };
  // The server's own mail carries a check stamp from creation: Sent Items counts it as checked.
  const serverStamp = (tenantId: string): string | undefined => (deps.stampKey ? stampOf(deps.stampKey, tenantId, `srv_${randomBytes(12).toString("hex")}`) : undefined);
  return {
    configured: clients !== undefined,
    clients,
    recipients: clients ? new GraphRecipientResolver((p, token) => clients.forUser(p.tenantId, token, SCOPES.recipients), config.GRAPH_BASE_URL) : undefined,
    async evidence(p, userToken, graphMessageId, schoolId, keep, mailboxOwner) {
      const graph = needGraph().forUser(p.tenantId, userToken, mailboxOwner ? SCOPES.evidenceShared : SCOPES.evidence);
      const snap = await directory.snapshot(p.tenantId);
      const school = schoolId ?? (snap.directory.schools.length === 1 ? snap.directory.schools[0]?.id : undefined);
      // Keeping the MIME is the school's choice; without a known school, keep nothing (minimal data).
      const policyKeeps = school ? policyFor(snap.directory, school).keepOriginalMessages : false;
      return fetchEvidence(graph, graphMessageId, {
        tenantId: p.tenantId,
        keep: keep !== false && policyKeeps,
        ...(store ? { store } : {}),
        ...(mailboxOwner ? { mailboxOwner } : {}),
      });
    },
    async keepOriginal(p, ev, schoolId) {
      const snap = await directory.snapshot(p.tenantId);
      if (!policyFor(snap.directory, schoolId).keepOriginalMessages) return undefined;
      return keepOriginal(store, p.tenantId, ev);
    },
    async send(p, userToken, mail) {
      return sendConsentRequest(needGraph().forUser(p.tenantId, userToken, SCOPES.consentRequest), mail, serverStamp(p.tenantId));
    },
    async sendAsApp(tenantId, mailbox, mail) {
      return sendMailAsApp(needGraph().forApp(tenantId), mailbox, mail, serverStamp(tenantId));
    },
    forApp(tenantId) {
      return needGraph().forApp(tenantId);
    },
    originals: store,
  };
}

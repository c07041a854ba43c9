import { z } from "zod";
import type { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import type { DirectoryService } from "../directory/service.js";
import type { RegisterService } from "./service.js";
import type { RegisterRepository } from "./repository.js";
import type { ConsentRequestService } from "./requests.js";
import { accessExport, type ExportBreach } from "./export.js";
import { consentRequest, noticeRequest, withdrawRequest } from "./schemas.js";
import { bearerOf, type GraphServices } from "../graph/routes.js";

export function registerRoutes(
  api: ApiBuilder,
  deps: {
    register: RegisterService;
    repo: RegisterRepository;
    directory: DirectoryService;
    requests: ConsentRequestService;
    graph: GraphServices;
    /** The data breaches that concern a student (the breach register), for the access export. */
    breachesOf?: (tenantId: string, studentId: string) => Promise<ExportBreach[]>;
  },
): void {
  const { register, repo, directory, requests, graph } = deps;
  api.add({
    method: "post",
    path: "/consents",
    tag: "register",
    summary: "Record a consent or refusal with its evidence",
    role: "coordinator",
    body: consentRequest,
    handler: async ({ req, principal, body, requestKey }) => {
      // With the Outlook item id the server takes its own evidence: the hash of the original MIME from Graph.
      const graphId = body.evidence?.graphMessageId;
      if (!graphId) return register.recordConsent(principal, body, requestKey);
      const student = await directory.student(principal.tenantId, body.studentId);
      // The original is kept (when the school keeps originals) only once the consent is recorded:
      // a refused one (not a guardian, no authority) leaves nothing behind.
      const fetched = await graph.evidence(principal, bearerOf(req), graphId, student.schoolId, false);
      const { mime: _mime, storedAs: _stored, ...server } = fetched;
      const event = await register.recordConsent(principal, body, requestKey, server);
      await graph.keepOriginal(principal, fetched, student.schoolId);
      return event;
    },
  });
  api.add({
    method: "post",
    path: "/consents/:id/withdraw",
    tag: "register",
    summary: "Withdraw a consent (a new event; the consent stays on record)",
    role: "coordinator",
    body: withdrawRequest,
    handler: ({ principal, body, params, requestKey }) => register.withdraw(principal, id.parse(params.id), body, requestKey),
  });
  api.add({
    method: "post",
    path: "/notices",
    tag: "register",
    summary: "Record that parents were informed of a disclosure on a legal basis",
    role: "coordinator",
    body: noticeRequest,
    handler: ({ principal, body, requestKey }) => register.notice(principal, body, requestKey),
  });
  api.add({
    method: "post",
    path: "/consent-requests",
    tag: "register",
    summary: "Write a consent request that informs parents (DOMAIN.md section 4)",
    role: "coordinator",
    body: z.object({ studentId: id, partyId: id, purposeId: id, lang: z.enum(["nl", "en"]).optional() }).strict(),
    handler: ({ principal, body }) => requests.create(principal, body),
  });
  api.add({
    method: "post",
    path: "/consent-requests/:id/send",
    tag: "register",
    summary: "Send a consent request from the coordinator's mailbox through Microsoft Graph (Entra mode)",
    role: "coordinator",
    status: 200,
    handler: ({ req, principal, params }) =>
      requests.sendOnce(principal, id.parse(params.id), async (rec) => {
        const sent = await graph.send(principal, bearerOf(req), { to: rec.to, subject: rec.subject, bodyHtml: rec.bodyHtml });
        return sent.internetMessageId;
      }),
  });
  api.add({
    method: "get",
    path: "/consent-requests/:id",
    tag: "register",
    summary: "A consent request and the text the parents were shown",
    role: "coordinator",
    handler: ({ principal, params }) => requests.get(principal, id.parse(params.id)),
  });
  api.add({
    method: "get",
    path: "/students/:id/register",
    tag: "register",
    summary: "A student's register: events, current status, notices, disclosures, chain check",
    role: "viewer",
    handler: ({ principal, params }) => register.register(principal.tenantId, id.parse(params.id)),
  });
  api.add({
    method: "get",
    path: "/students/:id/export",
    tag: "register",
    summary: "The parents' access export (inzage) of one student",
    role: "coordinator",
    handler: async ({ principal, params }) => {
      const student = await directory.student(principal.tenantId, id.parse(params.id));
      const snap = await directory.snapshot(principal.tenantId);
      const part = await repo.read(principal.tenantId, student.id);
      const breaches = deps.breachesOf ? await deps.breachesOf(principal.tenantId, student.id) : [];
      return accessExport(snap, student, part.events, new Date(), breaches);
    },
  });
  api.add({
    method: "get",
    path: "/register/overview",
    tag: "register",
    summary: "One row per student with the summary of their consents",
    role: "viewer",
    handler: async ({ principal }) => ({ rows: await register.overview(principal.tenantId) }),
  });
  api.add({
    method: "get",
    path: "/stats",
    tag: "register",
    summary: "Consents expiring this month, disclosures per party, overrides",
    role: "viewer",
    handler: ({ principal }) => register.stats(principal.tenantId),
  });
  api.add({
    method: "get",
    path: "/audit/verify",
    tag: "register",
    summary: "Verify every event chain of the tenant",
    role: "coordinator",
    handler: ({ principal }) => register.verifyAll(principal.tenantId),
  });
}

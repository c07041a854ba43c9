import type { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import type { SentItemsService } from "./service.js";
import { decisionRequest, mailboxRequest, reviewQuery, sweepReport } from "./schemas.js";

/**
 *   POST /api/sent-items/mailboxes   coordinator  a mailbox whose Sent Items are swept
 *   POST /api/sent-items/sweep       coordinator  one delta round now -> report
 *   GET  /api/review                 coordinator  "Te beoordelen": sent mails the rules would not allow
 *   POST /api/review/{id}/decision   coordinator  lawful (logged, with who decided) or a data breach
 *   GET  /api/breaches               coordinator  the breach register
 */
export function sentItemsRoutes(api: ApiBuilder, sent: SentItemsService): void {
  api.add({
    method: "post",
    path: "/sent-items/mailboxes",
    tag: "sentitems",
    summary: "Sweep a mailbox's Sent Items from now (an add-in user or a shared mailbox they send from)",
    role: "coordinator",
    body: mailboxRequest,
    handler: ({ principal, body }) => sent.addMailbox(principal.tenantId, body.mailbox, body.since),
  });
  api.add({
    method: "post",
    path: "/sent-items/sweep",
    tag: "sentitems",
    summary: "Read the senders' Sent Items now (delta query): confirm pending checks, log what was sent, list what needs review",
    role: "coordinator",
    response: sweepReport,
    status: 200,
    handler: ({ principal }) => sent.sweep(principal.tenantId),
  });
  api.add({
    method: "get",
    path: "/review",
    tag: "sentitems",
    summary: "Te beoordelen: sent mails without a valid check, or changed, that the rules would not allow at the send time (never a body)",
    role: "coordinator",
    query: reviewQuery,
    handler: async ({ principal, query }) => ({ items: await sent.reviewList(principal.tenantId, query.state) }),
  });
  api.add({
    method: "post",
    path: "/review/:id/decision",
    tag: "sentitems",
    summary: "Decide on a reviewed mail: lawful (logged as a disclosure with who decided) or a data breach (72 hours from now)",
    role: "coordinator",
    body: decisionRequest,
    status: 200,
    handler: ({ principal, params, body }) => sent.decide(principal, id.parse(params.id), body),
  });
  api.add({
    method: "get",
    path: "/breaches",
    tag: "sentitems",
    summary: "The data breach register (datalekkenregister): what, students, recipients, flagged, aware, the 72-hour deadline",
    role: "coordinator",
    handler: async ({ principal }) => ({ breaches: await sent.breaches(principal.tenantId) }),
  });
}

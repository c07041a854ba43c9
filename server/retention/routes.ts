import { z } from "zod";
import type { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import type { ViewLog } from "../accountability/views.js";
import type { RetentionService } from "./service.js";

const purgeReport = z.object({
  id: z.string(),
  at: z.string(),
  trigger: z.enum(["manual", "schedule"]),
  dryRun: z.boolean(),
  studentsChecked: z.number(),
  studentsEnrolled: z.number(),
  studentsOnHold: z.number(),
  studentsWithDueEvents: z.number(),
  studentsPurged: z.number(),
  eventsDue: z.number(),
  eventsRemoved: z.number(),
  eventsDeferred: z.number(),
  removedByType: z.record(z.string(), z.number()),
  failures: z.number(),
  chainsVerified: z.boolean(),
});

export function retentionRoutes(api: ApiBuilder, retention: RetentionService, views: ViewLog): void {
  api.add({
    method: "post",
    path: "/retention/purge",
    tag: "retention",
    summary: "Purge what the retention policy says is due (dryRun: report only, change nothing)",
    role: "coordinator",
    body: z.object({ dryRun: z.boolean() }).strict(),
    response: purgeReport,
    status: 200,
    handler: ({ principal, body }) => retention.purge(principal.tenantId, { dryRun: body.dryRun, trigger: "manual" }),
  });
  api.add({
    method: "get",
    path: "/retention/reports",
    tag: "retention",
    summary: "Reports of earlier purges, newest first (counts only)",
    role: "coordinator",
    response: z.object({ reports: z.array(purgeReport) }),
    handler: async ({ principal }) => ({ reports: await retention.reports(principal.tenantId) }),
  });
  api.add({
    method: "get",
    path: "/students/:id/legal-hold",
    tag: "retention",
    summary: "Whether a legal hold stops the purge of this student",
    role: "coordinator",
    handler: ({ principal, params }) => retention.getHold(principal.tenantId, id.parse(params.id)),
  });
  api.add({
    method: "put",
    path: "/students/:id/legal-hold",
    tag: "retention",
    summary: "Set or lift a legal hold (stops the retention purge of this student)",
    role: "coordinator",
    body: z.object({ hold: z.boolean(), reason: z.string().trim().min(3).max(500) }).strict(),
    handler: ({ principal, params, body }) => retention.setHold(principal.tenantId, id.parse(params.id), body.hold, body.reason, principal.userId),
  });
  api.add({
    method: "get",
    path: "/students/:id/views",
    tag: "retention",
    summary: "Who viewed this student's register or export, and when",
    role: "coordinator",
    response: z.object({ views: z.array(z.object({ by: z.string(), at: z.string(), what: z.enum(["register", "export"]) })) }),
    handler: async ({ principal, params }) => ({ views: await views.list(principal.tenantId, id.parse(params.id)) }),
  });
}

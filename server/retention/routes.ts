import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { ViewLog } from "../accountability/views.js";
import type { RetentionService } from "./service.js";

export function retentionRoutes(api: ApiBuilder, retention: RetentionService, views: ViewLog): void {
  api.implement(routes.purge, ({ principal, body }) => retention.purge(principal.tenantId, { dryRun: body.dryRun, trigger: "manual" }));
  api.implement(routes.purgeReports, async ({ principal }) => ({ reports: await retention.reports(principal.tenantId) }));
  api.implement(routes.legalHold, ({ principal, params }) => retention.getHold(principal.tenantId, params.id));
  api.implement(routes.setLegalHold, ({ principal, params, body }) => retention.setHold(principal.tenantId, params.id, body.hold, body.reason, principal.userId));
  api.implement(routes.views, async ({ principal, params }) => ({ views: await views.list(principal.tenantId, params.id) }));
}

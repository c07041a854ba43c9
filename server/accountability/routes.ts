import { routes, type AdminAction, type AnyRoute, type HandlerInput } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { mayAccessSchool, type Principal } from "../identity/auth.js";
import type { AdminLog } from "./admin-log.js";
import type { ApprovalService } from "./approvals.js";
import type { ViewLog } from "./views.js";

type Details = Record<string, string | number | boolean>;
interface Logged {
  action: AdminAction;
  /** Only some calls are changes (a purge's dry run is not). */
  when?: (input: HandlerInput<AnyRoute>) => boolean;
  target?: (input: HandlerInput<AnyRoute>) => string | undefined;
  details?: (result: unknown) => Details;
}

const str = (o: unknown, k: string): string | undefined => {
  const v = o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined;
  return typeof v === "string" ? v : undefined;
};

/** Import counts, flattened ("students.created": 3); only numbers. */
function counts(result: unknown, prefix = ""): Details {
  const out: Details = {};
  if (result === null || typeof result !== "object") return out;
  for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
    if (typeof v === "number") out[prefix + k] = v;
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && prefix === "") Object.assign(out, counts(v, `${k}.`));
  }
  return out;
}

/**
 * Which routes write the administrative log, and what they say (issue 16). Called from one place (the
 * ApiBuilder's afterSuccess) with the schools the route's scope resolved to. Proposals, approvals and
 * what an approval does are logged by the approval service itself.
 */
const LOGGED = new Map<AnyRoute, Logged>([
  [routes.importDirectory, { action: "import", details: counts }],
  // A dry run (the import wizard's preview) writes nothing, so it is no change to log.
  [routes.importCsv, { action: "import", when: (i) => str(i.query, "dryRun") !== "true", details: (r) => counts((r as { result?: unknown }).result) }],
  [routes.syncSds, { action: "import", details: (r) => counts((r as { result?: unknown }).result) }],
  [routes.putParty, { action: "directory-change", target: (i) => str(i.params, "id") }],
  [routes.putPurpose, { action: "directory-change", target: (i) => str(i.params, "id") }],
  [routes.confirmAuthority, { action: "authority-change", target: (i) => str(i.params, "id") }],
  [routes.putGuardian, { action: "directory-change", target: (i) => str(i.params, "id") }],
  [routes.putPolicy, { action: "policy-change", target: (i) => str(i.params, "schoolId") }],
  [routes.setLegalHold, { action: "legal-hold", target: (i) => str(i.params, "id"), details: (r) => ({ hold: (r as { legalHold?: boolean }).legalHold === true }) }],
  [routes.override, { action: "override", target: (i) => str(i.params, "id") }],
  [routes.accessExport, { action: "export", target: (i) => str(i.params, "id") }],
  [routes.accessLetter, { action: "export", target: (i) => str(i.params, "id") }],
  [routes.restrict, { action: "directory-change", target: (i) => str(i.params, "id") }],
  [routes.decideReview, { action: "breach-decision", target: (i) => str(i.params, "id") }],
]);

export function adminLogHook(log: AdminLog) {
  return async (rt: AnyRoute, done: { principal: Principal; input: HandlerInput<AnyRoute>; result: unknown; schoolIds: string[] }): Promise<void> => {
    const l = LOGGED.get(rt);
    if (!l || (l.when && !l.when(done.input))) return;
    const target = l.target?.(done.input);
    const reason = str(done.input.body, "reason");
    await log.append(done.principal.tenantId, {
      by: done.principal.userId,
      action: l.action,
      operation: `${rt.method.toUpperCase()} ${rt.path}`,
      schoolIds: done.schoolIds,
      ...(target ? { target } : {}),
      ...(reason ? { reason } : {}),
      details: l.details?.(done.result) ?? {},
    });
  };
}

export function accountabilityRoutes(api: ApiBuilder, deps: { log: AdminLog; approvals: ApprovalService; views: ViewLog }): void {
  const { log, approvals, views } = deps;
  api.implement(routes.adminLog, ({ principal, query, schools }) => log.read(principal.tenantId, schools, query.limit, query.offset));
  api.implement(routes.bulkViews, async ({ principal, schools }) => ({
    views: await views.listBulk(principal.tenantId, (s) => (s === "all" ? schools === "all" : s.some((x) => mayAccessSchool(schools, x)))),
  }));
  api.implement(routes.approvals, async ({ principal }) => ({ approvals: await approvals.list(principal) }));
  api.implement(routes.propose, ({ principal, body }) => approvals.propose(principal, body));
  api.implement(routes.approve, ({ principal, params, body }) => approvals.decide(principal, params.id, true, body.reason));
  api.implement(routes.reject, ({ principal, params, body }) => approvals.decide(principal, params.id, false, body.reason));
}

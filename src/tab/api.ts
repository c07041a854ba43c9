/**
 * The tab's view of the backend: the contract's routes and types, called with the one typed client
 * (`api.call(routes.x, input)`, src/shared/api.ts). Nothing of the server is imported.
 */
import { ApiClient, ApiError } from "../shared/api.js";

export type {
  AccessExport,
  ConsentEvent,
  ConsentRequest,
  ConsentStatus,
  NoticeRequest,
  OverviewRow,
  Party,
  Policy,
  Purpose,
  RegisterEvent,
  School,
  Stats,
  StudentRegister,
  StudentSummary,
  WithdrawRequest,
  Breach,
  ReviewItem,
} from "../../contract/index.js";
export { routes } from "../../contract/route-refs.js";

/** The tab's client of the backend. */
export type TabApi = ApiClient;

/** Field problems of a validation error, keyed by field path ("heardBy", "retention.consentYears"). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return out;
  for (const d of err.details as unknown[]) {
    if (typeof d !== "object" || d === null) continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    // The server prefixes where the problem is ("body.heardBy"); the forms know fields only.
    const key = (Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "").replace(/^(body|query|params)\.?/, "");
    if (typeof message === "string" && !(key in out)) out[key] = message;
  }
  return out;
}

export { ApiClient, ApiError };

/**
 * A hand-written guard for the POST /api/check answer (server/sendcheck/schemas.ts `checkResponse` is the
 * source of truth). zod itself would not fit the handler's 30 KB budget; the shape is small.
 */
import type { CheckResponse } from "../../../contract/sendcheck.js";

const VERDICTS = ["allow", "warn", "block"];
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === "string";

export function isCheckResponse(x: unknown): x is CheckResponse {
  if (!isObj(x)) return false;
  if (!isStr(x.checkId) || x.checkId.length === 0) return false;
  if (!isStr(x.verdict) || VERDICTS.indexOf(x.verdict) < 0) return false;
  if (!isStr(x.message) || x.message.length > 500) return false;
  if (!Array.isArray(x.students) || !x.students.every((s) => isObj(s) && isStr(s.id) && isStr(s.name))) return false;
  if (
    !Array.isArray(x.recipients) ||
    !x.recipients.every(
      (r) =>
        isObj(r) &&
        isStr(r.address) &&
        isStr(r.verdict) &&
        VERDICTS.indexOf(r.verdict) >= 0 &&
        Array.isArray(r.reasons) &&
        r.reasons.every((q) => isObj(q) && isStr(q.code) && isStr(q.message)),
    )
  )
    return false;
  const p = x.policy;
  if (!isObj(p)) return false;
  if (p.failMode !== "block" && p.failMode !== "prompt") return false;
  if (p.sendMode !== "soft-block" && p.sendMode !== "prompt-user" && p.sendMode !== "block") return false;
  const s = p.sendBudgetSeconds;
  if (typeof s !== "number" || s !== Math.floor(s) || s < 5 || s > 120) return false;
  if (x.stamp !== undefined && (!isStr(x.stamp) || !/^[A-Za-z0-9_:-]{1,100}\.[A-Za-z0-9_-]{22}$/.test(x.stamp))) return false;
  return true;
}

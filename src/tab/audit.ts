/**
 * Pure logic of the administrative log view and the audit banner (issue 16): who may see the log, the
 * pages of the log, an entry's details as text, and when the banner shows. No React, no DOM; unit-tested.
 */
import type { AdminLogEntry, AuditStatus, Role } from "../../contract/index.js";

/** A coordinator or the board's privacy officer (who passes every route whose access is coordinator). */
export function actsAsCoordinator(roles: readonly Role[]): boolean {
  return roles.includes("coordinator") || roles.includes("privacy-officer");
}

/** The log is for coordinators and the board's privacy officer (the route's access: coordinator). */
export function mayReadAdminLog(roles: readonly Role[]): boolean {
  return actsAsCoordinator(roles);
}

/** Entries per page of the log view. */
export const ADMIN_LOG_PAGE = 50;

export interface PageInfo {
  /** 1-based number of the first and last entry shown; 0 when there are none. */
  from: number;
  to: number;
  total: number;
  /** Offsets of the newer and older page, when there is one. */
  newer?: number;
  older?: number;
}

export function pageInfo(offset: number, shown: number, total: number, size = ADMIN_LOG_PAGE): PageInfo {
  return {
    from: shown === 0 ? 0 : offset + 1,
    to: offset + shown,
    total,
    ...(offset > 0 ? { newer: Math.max(0, offset - size) } : {}),
    ...(offset + shown < total ? { older: offset + size } : {}),
  };
}

/** The details of an entry as one short text ("students.created: 3, hold: ja"). */
export function detailsText(details: AdminLogEntry["details"], yes: string, no: string): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "boolean" ? (v ? yes : no) : String(v)}`)
    .join(", ");
}

/** The banner shows when the last audit failed (never for "unchecked": nothing is known yet). */
export function auditFailed(status: AuditStatus | undefined): status is AuditStatus & { state: "failed" } {
  return status?.state === "failed";
}

/** How many problems the last audit found, over every kind (at least 1 when it failed). */
export function problemCount(status: AuditStatus): number {
  const n = Object.values(status.problems).reduce((a, b) => a + b, 0);
  return status.state === "failed" ? Math.max(1, n) : n;
}

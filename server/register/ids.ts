import { randomBytes } from "node:crypto";
import { AppError } from "../shared/errors.js";

/**
 * Event ids carry the student they belong to, so `/api/consents/{id}/withdraw` finds the student's
 * partition without an index: "e.<base64url(studentId)>.<random>".
 */
export function newEventId(studentId: string): string {
  return `e.${Buffer.from(studentId, "utf8").toString("base64url")}.${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;
}

export function studentIdOfEvent(eventId: string): string {
  const m = /^e\.([A-Za-z0-9_-]{1,200})\.[A-Za-z0-9]{12}$/.exec(eventId);
  if (!m || !m[1]) throw new AppError(404, "NOT_FOUND", "Consent not found");
  return Buffer.from(m[1], "base64url").toString("utf8");
}

export function newCheckId(): string {
  return `chk_${randomBytes(12).toString("hex")}`;
}

/** The student page's labels and small helpers: event kinds, methods, verdicts, bases, states, actors, dates. */
import { type ConsentRequest, type ConsentStatus, type RegisterEvent, type StudentSummary } from "../../api.js";
import { type MessageKey, type Translate } from "../../i18n.js";

export type Actor = ConsentRequest["givenBy"];
export type Guardian = StudentSummary["guardians"][number];

export const EVENT_LABEL = (e: RegisterEvent): MessageKey => {
  switch (e.type) {
    case "consent":
      return e.decision === "granted" ? "evConsent" : "evRefusal";
    case "withdrawal":
      return "evWithdrawal";
    case "notice":
      return "evNotice";
    case "disclosure":
      return "evDisclosure";
    case "override":
      return "evOverride";
    case "tombstone":
      return "evTombstone";
    case "restriction":
      return "evRestriction";
  }
};

export const METHOD_LABEL: Record<string, MessageKey> = {
  email: "methodEmail",
  paper: "methodPaper",
  oral: "methodOral",
  portal: "methodPortal",
  letter: "methodLetter",
  meeting: "methodMeeting",
};
export const VERDICT_LABEL: Record<"allow" | "warn" | "block", MessageKey> = { allow: "verdictAllow", warn: "verdictWarn", block: "verdictBlock" };
export const BASIS_LABEL: Record<string, MessageKey> = { legal: "basisLegal", consent: "basisConsent", guardian: "basisGuardian", override: "basisOverride", "information-right": "basisInformationRight" };
export const STATUS_LABEL: Record<ConsentStatus["state"], MessageKey> = {
  valid: "stValid",
  none: "stNone",
  refused: "stRefused",
  withdrawn: "stWithdrawn",
  expired: "stExpired",
  partial: "stPartial",
  "student-required": "stStudentRequired",
};
export const STATUS_COLOR: Record<ConsentStatus["state"], "success" | "danger" | "warning" | "informative"> = {
  valid: "success",
  none: "informative",
  refused: "danger",
  withdrawn: "danger",
  expired: "warning",
  partial: "warning",
  "student-required": "warning",
};

export function actorName(a: Actor, guardians: Guardian[], t: Translate): string {
  if ("student" in a) return t("studentSelf");
  return guardians.find((g) => g.id === a.guardianId)?.name ?? a.guardianId;
}

/** A date input's value as an ISO date-time: now for today, noon for another day. */
export function dateToIso(date: string, endOfDay = false): string {
  const today = new Date().toISOString().slice(0, 10);
  if (!endOfDay && date === today) return new Date().toISOString();
  return new Date(`${date}T${endOfDay ? "23:59:59" : "12:00:00"}`).toISOString();
}
export const todayStr = (): string => new Date().toISOString().slice(0, 10);

export const toActor = (v: string): Actor | undefined => (v === "student" ? { student: true } : v.startsWith("g:") ? { guardianId: v.slice(2) } : undefined);

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
  if (!endOfDay && date === todayStr()) return new Date().toISOString();
  return new Date(`${date}T${endOfDay ? "23:59:59" : "12:00:00"}`).toISOString();
}
/** Today as YYYY-MM-DD in the user's own time zone (the date inputs' value and maximum). */
export const todayStr = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/** Age in whole years on a date (YYYY-MM-DD). */
export function ageOn(birthDate: string, date: string): number {
  const [by = 0, bm = 0, bd = 0] = birthDate.split("-").map(Number);
  const [y = 0, m = 0, d = 0] = date.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Who may give (or withdraw) consent on a date, and why not: the reason's text key, or undefined when they may. */
export function giverProblem(
  giver: { guardian: Guardian } | { student: true },
  birthDate: string,
  consentAge: number,
  date: string,
): "giverNoAuthority" | "giverUnconfirmed" | "giverStudentDecides" | "giverTooYoung" | undefined {
  const adult = ageOn(birthDate, date || todayStr()) >= consentAge;
  if ("student" in giver) return adult ? undefined : "giverTooYoung";
  if (adult) return "giverStudentDecides";
  if (!giver.guardian.hasAuthority) return "giverNoAuthority";
  if (!giver.guardian.authorityConfirmed) return "giverUnconfirmed";
  return undefined;
}

export const toActor = (v: string): Actor | undefined => (v === "student" ? { student: true } : v.startsWith("g:") ? { guardianId: v.slice(2) } : undefined);

import type { ConsentState, ReasonCode } from "../../contract/enums.js";
import { AGE_OF_MAJORITY, ageOn, birthdayOfAge, holdsAuthority, startOfDutchDay, type Policy, type Purpose, type Student } from "../directory/domain.js";
import type { ConsentEvent, RegisterEvent } from "./domain.js";

/**
 * The consent state of the register (DOMAIN.md section 3): whether a student's consent for one party
 * and purpose holds at a moment, from the events. Pure; the send check's rules and the register's views
 * both ask it.
 */

// ---------------------------------------------------------------------------------------------------
// Time

/** Start of an ISO date ("2026-07-31" = midnight UTC) or the instant of an ISO date-time, in ms. */
export function startOf(iso: string): number {
  return Date.parse(iso);
}

/** End of an ISO date (a date-only "valid until" includes that whole day) or the instant of a date-time. */
export function endOf(iso: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(iso) + 86_400_000 - 1 : Date.parse(iso);
}

// ---------------------------------------------------------------------------------------------------
// Consent

export type { ConsentState };

export interface ConsentStatus {
  state: ConsentState;
  code: ReasonCode;
  /** Valid: the end of the consent (capped at the day before the student consents alone). Expired: when it ended. */
  validUntil?: string;
  /** Guardian ids with a valid consent (the student's id when the student consents alone). */
  holdersConsented: string[];
  /** Guardian ids (or the student's id) whose consent is still needed; empty when valid. */
  holdersMissing: string[];
}

type HolderState =
  | { state: "none" | "refused" | "withdrawn" | "oral-unconfirmed" }
  | { state: "valid" | "expired"; validUntil: string };

/** Latest by givenAt, then seq. */
function latest(consents: ConsentEvent[]): ConsentEvent | undefined {
  let best: ConsentEvent | undefined;
  for (const c of consents) {
    if (!best) best = c;
    else {
      const d = startOf(c.givenAt) - startOf(best.givenAt);
      if (d > 0 || (d === 0 && c.seq > best.seq)) best = c;
    }
  }
  return best;
}

/** Oral consent for a far-reaching or health purpose counts only with a written confirmation (DOMAIN.md §3). */
export function needsWrittenConfirmation(purpose: Purpose): boolean {
  return purpose.farReaching || purpose.specialCategory === true;
}

function holderState(consent: ConsentEvent | undefined, withdrawn: Set<string>, now: number, purpose: Purpose): HolderState {
  if (!consent) return { state: "none" };
  if (consent.decision === "refused") return { state: "refused" };
  if (withdrawn.has(consent.id)) return { state: "withdrawn" };
  if (now < startOf(consent.validFrom)) return { state: "none" };
  if (consent.method === "oral" && needsWrittenConfirmation(purpose) && !consent.writtenConfirmation) return { state: "oral-unconfirmed" };
  if (now > endOf(consent.validUntil)) return { state: "expired", validUntil: consent.validUntil };
  return { state: "valid", validUntil: consent.validUntil };
}

const isStudentActor = (c: ConsentEvent): boolean => "student" in c.givenBy;
const guardianOf = (c: ConsentEvent): string | undefined => ("guardianId" in c.givenBy ? c.givenBy.guardianId : undefined);

/** The instant a student reaches `age`: Dutch midnight of that birthday. */
export function birthdayInstant(student: Pick<Student, "birthDate">, age: number): number {
  return startOfDutchDay(birthdayOfAge(student.birthDate, age)).getTime();
}

/**
 * The consent of one student for one party and purpose at a moment (DOMAIN.md §3). Ages are taken on the
 * Dutch calendar date. From `policy.studentConsentAge` the student decides: the student's own decision
 * (given from that birthday, or a withdrawal by the student) counts; a parent's earlier consent lapses on
 * the birthday (policy "lapses") or stays until the student acts (and never past 18). Before that age
 * only confirmed holders of parental authority count, one or (far-reaching purpose) all of them; a
 * refusal or withdrawal by any holder wins; each holder's latest decision counts. Consent for another
 * party or purpose never counts.
 */
export function consentStatus(
  student: Student,
  partyId: string,
  purpose: Purpose,
  events: RegisterEvent[],
  policy: Policy,
  at: Date,
): ConsentStatus {
  const now = at.getTime();
  const consents = events.filter(
    (e): e is ConsentEvent =>
      e.type === "consent" && e.partyId === partyId && e.purposeId === purpose.id && startOf(e.givenAt) <= now,
  );
  const withdrawn = new Set<string>();
  let studentWithdrew = false;
  for (const e of events) {
    if (e.type === "withdrawal" && startOf(e.at) <= now) {
      withdrawn.add(e.consentId);
      if ("student" in e.by && e.partyId === partyId && e.purposeId === purpose.id) studentWithdrew = true;
    }
  }
  const ownAge = birthdayInstant(student, policy.studentConsentAge);

  if (ageOn(student.birthDate, at) >= policy.studentConsentAge) {
    const own = latest(consents.filter((c) => isStudentActor(c) && startOf(c.givenAt) >= ownAge));
    const stays = policy.parentalConsentAtAge === "stays-until-student-acts" && ageOn(student.birthDate, at) < AGE_OF_MAJORITY;
    if (!own && !studentWithdrew && stays) {
      const parents = parentsStatus(student, consents, withdrawn, purpose, policy, at, Number.POSITIVE_INFINITY);
      if (parents.state === "valid") return parents;
    }
    const s = holderState(own, withdrawn, now, purpose);
    const none = { holdersConsented: [], holdersMissing: [student.id] };
    switch (s.state) {
      case "valid":
        return { state: "valid", code: "CONSENT_VALID", validUntil: s.validUntil, holdersConsented: [student.id], holdersMissing: [] };
      case "refused":
        return { state: "refused", code: "CONSENT_REFUSED", ...none };
      case "withdrawn":
        return { state: "withdrawn", code: "CONSENT_WITHDRAWN", ...none };
      case "expired":
        return { state: "expired", code: "CONSENT_EXPIRED", validUntil: s.validUntil, ...none };
      case "oral-unconfirmed":
        return { state: "none", code: "ORAL_CONSENT_UNCONFIRMED", ...none };
      case "none":
        return { state: "student-required", code: "STUDENT_CONSENT_REQUIRED", ...none };
    }
  }
  return parentsStatus(student, consents, withdrawn, purpose, policy, at, ownAge - 1);
}

/** The holders' part of consentStatus: `cap` is the last instant a parent's consent can run to. */
function parentsStatus(
  student: Student,
  consents: ConsentEvent[],
  withdrawn: Set<string>,
  purpose: Purpose,
  policy: Policy,
  at: Date,
  cap: number,
): ConsentStatus {
  const now = at.getTime();
  const holders = student.guardians.filter((g) => holdsAuthority(g, student, at));
  const states = holders.map((g) => ({
    id: g.id,
    s: holderState(latest(consents.filter((c) => guardianOf(c) === g.id)), withdrawn, now, purpose),
  }));
  const allIds = holders.map((g) => g.id);
  if (states.some((h) => h.s.state === "refused")) {
    return { state: "refused", code: "CONSENT_REFUSED", holdersConsented: [], holdersMissing: allIds };
  }
  if (states.some((h) => h.s.state === "withdrawn")) {
    return { state: "withdrawn", code: "CONSENT_WITHDRAWN", holdersConsented: [], holdersMissing: allIds };
  }

  const valid: { id: string; until: number }[] = [];
  for (const h of states) if (h.s.state === "valid") valid.push({ id: h.id, until: endOf(h.s.validUntil) });
  const consented = valid.map((v) => v.id);
  const needAll = purpose.farReaching && policy.farReachingNeedsAllHolders;
  if (holders.length > 0 && (needAll ? valid.length === holders.length : valid.length > 0)) {
    const untils = valid.map((v) => v.until);
    // A parent's consent lapses the day the student starts to consent alone (policy "lapses").
    const until = Math.min(needAll ? Math.min(...untils) : Math.max(...untils), cap);
    return { state: "valid", code: "CONSENT_VALID", validUntil: new Date(until).toISOString(), holdersConsented: consented, holdersMissing: [] };
  }
  if (needAll && valid.length > 0) {
    return {
      state: "partial",
      code: "SECOND_GUARDIAN_REQUIRED",
      holdersConsented: consented,
      holdersMissing: allIds.filter((id) => !consented.includes(id)),
    };
  }
  const expired = states.flatMap((h) => (h.s.state === "expired" ? [h.s.validUntil] : []));
  if (expired.length > 0) {
    const lastEnd = expired.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));
    return { state: "expired", code: "CONSENT_EXPIRED", validUntil: lastEnd, holdersConsented: [], holdersMissing: allIds };
  }
  if (states.some((h) => h.s.state === "oral-unconfirmed"))
    return { state: "none", code: "ORAL_CONSENT_UNCONFIRMED", holdersConsented: [], holdersMissing: allIds };
  return { state: "none", code: "NO_CONSENT", holdersConsented: [], holdersMissing: allIds };
}

// ---------------------------------------------------------------------------------------------------

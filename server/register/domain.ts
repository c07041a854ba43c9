import { canonicalJson, sha256Hex } from "../shared/hash.js";
import type { ChainProblem } from "../../contract/register.js";

/**
 * The consent register: an append-only chain of events per student. Consents, refusals, withdrawals,
 * notices (parents informed), disclosures (what was sent to whom, never the mail) and overrides.
 * Each event stores the hash of the one before it, so a changed or removed event is detectable.
 */

export type Actor = { guardianId: string } | { student: true };
export type ConsentMethod = "email" | "paper" | "oral" | "portal";

export interface Evidence {
  /** Internet Message-ID of the parent's mail. */
  messageId: string;
  sender: string;
  /** ISO date-time the message was sent/received. */
  date: string;
  /** SHA-256 (hex) of the original message (MIME when the server fetched it). */
  sha256: string;
  /** Where the hash was computed: "client" (task pane) or "server-mime" (from Graph's MIME). */
  hashSource?: "client" | "server-mime" | "portal";
  /** The shared or delegated mailbox the message was in (its owner's address), when not the user's own. */
  mailbox?: string;
  /** Short excerpt of the parent's words, at most 500 characters. */
  excerpt?: string;
  /** Message id of the consent request this mail answers. */
  inReplyTo?: string;
  /** The consent request answered (a reply recorded from it, or the parents' page). */
  requestId?: string;
}

interface EventBase {
  id: string;
  studentId: string;
  /** 1, 2, 3 ... per student. */
  seq: number;
  /** Who recorded it (user id from the token, not a name) and when. */
  recordedBy: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
  /**
   * Hash of the request's Idempotency-Key (tenant-scoped): a retry of a request whose answer was lost
   * finds its event here instead of recording it twice.
   */
  requestKey?: string;
}

export interface ConsentEvent extends EventBase {
  type: "consent";
  decision: "granted" | "refused";
  partyId: string;
  purposeId: string;
  givenBy: Actor;
  method: ConsentMethod;
  /** For oral consent: who heard it. */
  heardBy?: string;
  /**
   * For oral consent: the written confirmation (a mail, a signed form). For a far-reaching or health
   * purpose oral consent counts only with it.
   */
  writtenConfirmation?: { method: "email" | "paper" | "portal"; at: string };
  givenAt: string;
  validFrom: string;
  /** ISO date-time the consent ends (policy default: end of the school year). */
  validUntil: string;
  /** The exact information the parent was shown (the request text). */
  informationShown?: string;
  evidence?: Evidence;
}

export interface WithdrawalEvent extends EventBase {
  type: "withdrawal";
  consentId: string;
  partyId: string;
  purposeId: string;
  by: Actor;
  at: string;
  reason?: string;
}

export interface NoticeEvent extends EventBase {
  type: "notice";
  partyId: string;
  purposeId: string;
  informedAt: string;
  method: ConsentMethod | "letter" | "meeting";
  /**
   * The parents were deliberately NOT informed, because informing them would endanger the child or
   * someone else (Veilig Thuis, meldcode): the reason is required. Satisfies the informing rule.
   */
  notInformed?: { reason: string };
}

/**
 * Entries of a (party, purpose) left out of the parents' access export while informing them would
 * endanger the child (UAVG art. 41): with the reason, who decided, and when to review it. A later
 * restriction event with `lifted` ends it.
 */
export interface RestrictionEvent extends EventBase {
  type: "restriction";
  partyId: string;
  purposeId: string;
  reason: string;
  decidedBy: string;
  at: string;
  reviewBy?: string;
  lifted?: boolean;
}

/** "information-right": a parent without authority, art. 1:377c BW. */
export type DisclosureBasis = "legal" | "consent" | "guardian" | "override" | "information-right";

export interface DisclosureEvent extends EventBase {
  type: "disclosure";
  checkId: string;
  partyId?: string;
  /** Recipient address (of a party, never of a private person other than the guardian). */
  recipient: string;
  basis: DisclosureBasis;
  purposeId?: string;
  verdict: "allow" | "warn" | "block";
  sentBy: string;
  /** When the mail was sent (from Sent Items for a confirmed mail). */
  at: string;
  /** Internet Message-ID of the sent mail (set when Sent Items confirmed it). */
  internetMessageId?: string;
  /** How it came in the log: a confirmed check, a sent mail without a check that the rules allow, or a coordinator's decision on the review list. */
  source?: "confirmed" | "review" | "unchecked";
  /** The coordinator who judged an unchecked or changed send lawful (review list). */
  decidedBy?: string;
}

export interface OverrideEvent extends EventBase {
  type: "override";
  checkId: string;
  reason: string;
  by: string;
  at: string;
}

/** Left by the retention purge in place of removed events so the chain still verifies. */
export interface TombstoneEvent extends EventBase {
  type: "tombstone";
  /** Sequence number of the last removed event (the tombstone takes its place). */
  coversUpToSeq: number;
  /** Hash of the last removed event; the chain continues from it. */
  lastRemovedHash: string;
  removedCount: number;
  at: string;
  /** Keyed MAC (integrity.ts) made by the purge: a tombstone forged with the storage key lacks a valid one. */
  seal?: { keyId: string; mac: string };
  /** Who started the purge ("retention-schedule" for the scheduled one), who approved it and why (issue 16). */
  purgedBy?: string;
  approvedBy?: string;
  reason?: string;
  approvalId?: string;
}

export type RegisterEvent =
  | ConsentEvent
  | WithdrawalEvent
  | NoticeEvent
  | DisclosureEvent
  | OverrideEvent
  | RestrictionEvent
  | TombstoneEvent;

export type EventType = RegisterEvent["type"];

/** An event before it gets its place in the chain. */
export type NewEvent = DistributiveOmit<RegisterEvent, "seq" | "prevHash" | "hash">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const GENESIS_HASH = "0".repeat(64);

export function hashEvent(e: Omit<RegisterEvent, "hash">): string {
  const { hash: _ignored, ...rest } = e as RegisterEvent;
  return sha256Hex(canonicalJson(rest));
}

export function chainEvent(e: NewEvent, seq: number, prevHash: string): RegisterEvent {
  const withPlace = { ...e, seq, prevHash } as Omit<RegisterEvent, "hash">;
  return { ...withPlace, hash: hashEvent(withPlace) } as RegisterEvent;
}

/** A problem the audit found in a chain: one list of kinds, in the contract (CHAIN_PROBLEMS). */
export type { ChainProblem };

/**
 * What the send check needs of a register, kept in the partition's HEAD row so that a check reads one
 * row per student: the consents, withdrawals and notices, without their texts and evidence (which the
 * rules never look at). Derived from the events; `verifyChain` checks that it still is.
 * Idempotent: projecting a projection gives the same list.
 */
export function projectState(events: RegisterEvent[]): RegisterEvent[] {
  const out: RegisterEvent[] = [];
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type === "consent") {
      const { informationShown: _i, evidence: _e, heardBy: _h, ...rest } = e;
      out.push(rest);
    } else if (e.type === "withdrawal") {
      const { reason: _r, ...rest } = e;
      out.push(rest);
    } else if (e.type === "notice") {
      out.push(e);
    }
  }
  return out;
}

/**
 * Verifies one student's chain: every hash, every link, no gap, and the head points at the last event.
 * A chain may start with a tombstone (left by the retention purge): it stands at the place of the last
 * removed event, its own hash is checked, and the next event links to the last removed event's hash
 * (kept in the tombstone) or, when everything was purged and the chain grew again, to the tombstone.
 */
export function verifyChain(
  studentId: string,
  events: RegisterEvent[],
  head: { seq: number; hash: string; state?: RegisterEvent[] } | undefined,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const first = sorted[0];
  let linksTo: string[] = [GENESIS_HASH];
  let expectSeq = first?.type === "tombstone" ? first.seq : 1;
  for (const e of sorted) {
    if (e.seq !== expectSeq) problems.push({ studentId, seq: expectSeq, problem: "missing-event" });
    if (hashEvent(e) !== e.hash) problems.push({ studentId, seq: e.seq, problem: "hash-mismatch" });
    if (e === first && e.type === "tombstone") {
      linksTo = [e.lastRemovedHash, e.hash];
    } else {
      if (!linksTo.includes(e.prevHash)) problems.push({ studentId, seq: e.seq, problem: "broken-link" });
      linksTo = [e.hash];
    }
    expectSeq = e.seq + 1;
  }
  const last = sorted[sorted.length - 1];
  if (head && (!last || last.seq !== head.seq || last.hash !== head.hash)) {
    problems.push({ studentId, seq: head.seq, problem: "head-mismatch" });
  }
  if (!head && last) problems.push({ studentId, seq: last.seq, problem: "head-mismatch" });
  // The send check decides on the head's state: it must be exactly what the events say.
  if (head?.state && canonicalJson(head.state) !== canonicalJson(projectState(sorted)))
    problems.push({ studentId, seq: head.seq, problem: "state-mismatch" });
  return problems;
}

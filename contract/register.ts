import { z } from "zod";
import { CHAIN_PROBLEMS, CONSENT_METHODS, CONSENT_STATES, DECISIONS, DISCLOSURE_BASES, LANGS, NOTICE_METHODS, OVERVIEW_STATES, REGISTER_SORT_KEYS, VERDICTS } from "./enums.js";
import { directoryEmail, id, isoDateTime, sha256Hex } from "./patterns.js";

export const actor = z.union([z.object({ guardianId: id }).strict(), z.object({ student: z.literal(true) }).strict()]);
export const method = z.enum(CONSENT_METHODS);

export const evidenceInput = z
  .object({
    messageId: z.string().trim().min(3).max(998),
    sender: z.string().trim().toLowerCase().max(320).regex(/^[^\s@]+@[^\s@]+$/, "an email address"),
    date: isoDateTime,
    sha256: sha256Hex,
    excerpt: z.string().max(500).optional(),
    inReplyTo: z.string().max(998).optional(),
    /** With Graph configured: the Outlook item id, so the server hashes the original MIME itself. */
    graphMessageId: z.string().max(1000).optional(),
    /**
     * The item is in a shared or delegated mailbox (Outlook's getSharedPropertiesAsync().targetMailbox):
     * its owner's address. The server then reads Graph /users/{owner}/messages/{id} (Mail.Read.Shared).
     */
    mailboxOwner: z.string().trim().toLowerCase().max(320).regex(/^[^\s@/]+@[^\s@/]+$/, "an email address").optional(),
    /** The consent request this mail answers ([ZV-r...] in the subject). */
    requestId: id.optional(),
  })
  .strict();

export const consentRequest = z
  .object({
    studentId: id,
    partyId: id,
    purposeId: id,
    decision: z.enum(DECISIONS),
    givenBy: actor,
    method,
    heardBy: z.string().trim().min(1).max(200).optional(),
    /** Oral consent: its written confirmation (needed for a far-reaching or health purpose). */
    writtenConfirmation: z.object({ method: z.enum(["email", "paper", "portal"]), at: isoDateTime }).strict().optional(),
    givenAt: isoDateTime,
    validUntil: isoDateTime.optional(),
    informationShown: z.string().max(20_000).optional(),
    evidence: evidenceInput.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.method === "oral" && !c.heardBy) ctx.addIssue({ code: "custom", path: ["heardBy"], message: "oral consent needs who heard it" });
    if (c.method === "email" && !c.evidence) ctx.addIssue({ code: "custom", path: ["evidence"], message: "email consent needs its evidence" });
    if (c.validUntil && c.validUntil <= c.givenAt) ctx.addIssue({ code: "custom", path: ["validUntil"], message: "must be after givenAt" });
  });
export type ConsentRequest = z.infer<typeof consentRequest>;

export const withdrawRequest = z
  .object({ by: actor, at: isoDateTime, reason: z.string().trim().max(2000).optional() })
  .strict();
export type WithdrawRequest = z.infer<typeof withdrawRequest>;

export const noticeRequest = z
  .object({
    studentId: id,
    partyId: id,
    purposeId: id,
    informedAt: isoDateTime,
    method: z.enum(NOTICE_METHODS),
    /**
     * The parents were deliberately not informed because that would endanger the child or someone
     * else (Veilig Thuis): `informedAt` is the moment of that decision; the reason is required.
     */
    notInformed: z.object({ reason: z.string().trim().min(10).max(2000) }).strict().optional(),
  })
  .strict();
export type NoticeRequest = z.infer<typeof noticeRequest>;

/** Leaving the entries of a (party, purpose) out of the parents' access export (UAVG art. 41). */
export const restrictionRequest = z
  .object({
    partyId: id,
    purposeId: id,
    reason: z.string().trim().min(10).max(2000),
    /** ISO date by which the restriction is reviewed. */
    reviewBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD").optional(),
    /** Ends an earlier restriction of the same (party, purpose). */
    lifted: z.boolean().optional(),
  })
  .strict();
export type RestrictionRequest = z.infer<typeof restrictionRequest>;

/** Current consent status of one student for one party and purpose (the register view). */
export const consentStatusView = z.object({
  partyId: z.string(),
  purposeId: z.string(),
  state: z.enum(CONSENT_STATES),
  code: z.string(),
  validUntil: z.string().optional(),
  holdersConsented: z.array(z.string()),
  holdersMissing: z.array(z.string()),
});

/** One row per student in the register overview (the tab's grid). */
export const overviewRow = z.object({
  studentId: z.string(),
  name: z.string(),
  studentNumber: z.string(),
  schoolId: z.string(),
  className: z.string(),
  /** Summary across the student's consents. */
  state: z.enum(OVERVIEW_STATES),
  /** Earliest end date of a valid consent. */
  nextExpiry: z.string().optional(),
  parties: z.array(z.string()),
  purposes: z.array(z.string()),
  eventCount: z.number(),
  /** The state per (party, purpose) the register mentions: which party or purpose is missing, not only the summary. */
  pairs: z.array(z.object({ partyId: z.string(), purposeId: z.string(), state: z.enum(CONSENT_STATES), validUntil: z.string().optional() })).optional(),
  /** "van den Berg, Noor": the name as a register sorts it (family name first, the particle after). */
  sortName: z.string().optional(),
});
export type OverviewRow = z.infer<typeof overviewRow>;
export type ConsentStatus = z.infer<typeof consentStatusView>;

/* The events of the register, as the API answers them (append-only, hash-chained per student). */
const eventBase = {
  id: z.string(),
  studentId: z.string(),
  seq: z.number().int(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  requestKey: z.string().optional(),
};
/** The party and purpose an event is about. */
const forPair = { partyId: z.string(), purposeId: z.string() };
export const evidence = z.object({
  messageId: z.string(),
  sender: z.string(),
  date: z.string(),
  sha256: sha256Hex,
  /** Where the hash was computed: the task pane ("client") or the server from Graph's MIME. */
  hashSource: z.enum(["client", "server-mime", "portal"]).optional(),
  /** The shared or delegated mailbox the message was in (its owner's address), when not the user's own. */
  mailbox: z.string().optional(),
  excerpt: z.string().optional(),
  inReplyTo: z.string().optional(),
  /** The consent request answered (a reply recorded from it, or the parents' page). */
  requestId: z.string().optional(),
});
export type Evidence = z.infer<typeof evidence>;
const actorOut = z.union([z.object({ guardianId: z.string() }), z.object({ student: z.literal(true) })]);
export const consentEvent = z.object({
  ...eventBase,
  ...forPair,
  type: z.literal("consent"),
  decision: z.enum(DECISIONS),
  givenBy: actorOut,
  method: z.enum(CONSENT_METHODS),
  heardBy: z.string().optional(),
  writtenConfirmation: z.object({ method: z.enum(["email", "paper", "portal"]), at: z.string() }).optional(),
  givenAt: z.string(),
  validFrom: z.string(),
  validUntil: z.string(),
  informationShown: z.string().optional(),
  evidence: evidence.optional(),
});
export type ConsentEvent = z.infer<typeof consentEvent>;
export const withdrawalEvent = z.object({
  ...eventBase,
  ...forPair,
  type: z.literal("withdrawal"),
  consentId: z.string(),
  by: actorOut,
  at: z.string(),
  reason: z.string().optional(),
});
export type WithdrawalEvent = z.infer<typeof withdrawalEvent>;
export const noticeEvent = z.object({
  ...eventBase,
  ...forPair,
  type: z.literal("notice"),
  informedAt: z.string(),
  method: z.enum(NOTICE_METHODS),
  notInformed: z.object({ reason: z.string() }).optional(),
});
export type NoticeEvent = z.infer<typeof noticeEvent>;
export const disclosureEvent = z.object({
  ...eventBase,
  type: z.literal("disclosure"),
  checkId: z.string(),
  partyId: z.string().optional(),
  recipient: z.string(),
  basis: z.enum(DISCLOSURE_BASES),
  purposeId: z.string().optional(),
  verdict: z.enum(VERDICTS),
  sentBy: z.string(),
  /** When the mail was sent (from Sent Items for a confirmed mail). */
  at: z.string(),
  /** Internet Message-ID of the sent mail (set when Sent Items confirmed it). */
  internetMessageId: z.string().optional(),
  /** How it came in the log: a confirmed check, a sent mail without a check that the rules allow, or a decision on the review list. */
  source: z.enum(["confirmed", "review", "unchecked"]).optional(),
  /** The coordinator who judged an unchecked or changed send lawful (review list). */
  decidedBy: z.string().optional(),
});
export const overrideEvent = z.object({ ...eventBase, type: z.literal("override"), checkId: z.string(), reason: z.string(), by: z.string(), at: z.string() });
export const tombstoneEvent = z.object({
  ...eventBase,
  type: z.literal("tombstone"),
  coversUpToSeq: z.number().int(),
  lastRemovedHash: z.string(),
  removedCount: z.number().int(),
  at: z.string(),
  /** Who started the purge, who approved it (four eyes) and why. */
  purgedBy: z.string().optional(),
  approvedBy: z.string().optional(),
  reason: z.string().optional(),
  approvalId: z.string().optional(),
});
export const restrictionEvent = z.object({
  ...eventBase,
  ...forPair,
  type: z.literal("restriction"),
  reason: z.string(),
  decidedBy: z.string(),
  at: z.string(),
  reviewBy: z.string().optional(),
  lifted: z.boolean().optional(),
});
export type RestrictionEvent = z.infer<typeof restrictionEvent>;
export const registerEvent = z.discriminatedUnion("type", [consentEvent, withdrawalEvent, noticeEvent, disclosureEvent, overrideEvent, restrictionEvent, tombstoneEvent]);
export type RegisterEvent = z.infer<typeof registerEvent>;

export const chainProblem = z.object({ studentId: z.string(), seq: z.number().int(), problem: z.enum(CHAIN_PROBLEMS) });
export type ChainProblem = z.infer<typeof chainProblem>;

export const registerResponse = z.object({
  student: z.object({ id: z.string(), name: z.string() }),
  events: z.array(registerEvent),
  status: z.array(consentStatusView),
  notices: z.array(noticeEvent),
  disclosures: z.array(disclosureEvent),
  chain: z.object({ verified: z.boolean(), problems: z.array(chainProblem) }),
});
export type StudentRegister = z.infer<typeof registerResponse>;

/** A valid consent that ends within the next 30 days (one definition: the rows' "expiring", the overview's and the statistics' numbers). */
const expiringConsent = z.object({ studentId: z.string(), name: z.string(), partyId: z.string(), purposeId: z.string(), validUntil: z.string() });
const disclosuresOfParty = z.object({ partyId: z.string(), name: z.string(), count: z.number() });
const overrideItem = z.object({ studentId: z.string(), name: z.string(), checkId: z.string(), at: z.string(), reason: z.string() });

/**
 * GET /api/register/overview (board scale, issue 17): numbers over the caller's schools and what the tab's
 * Overview screen shows, never every row. The students behind a number are paged through
 * GET /api/register/rows (`?state=` for a state; `?sort=nextExpiry` lists the expiring first).
 */
export const overviewResponse = z.object({
  /** The moment the numbers hold for (the 30 days count from it). */
  at: z.string(),
  /** Students of the caller's schools. */
  students: z.number().int(),
  /** Students per summary state (the rows' `state`). */
  states: z.object({ valid: z.number().int(), expiring: z.number().int(), missing: z.number().int(), "refused-or-withdrawn": z.number().int() }),
  expiring: z.object({
    days: z.number().int(),
    /** Valid consents that end within `days` days. */
    consents: z.number().int(),
    /** Students with at least one of them (their `nextExpiry` lies within `days` days). */
    students: z.number().int(),
    /** The consents per week from now (1 = the next 7 days), weeks without any left out. */
    perWeek: z.array(z.object({ week: z.number().int(), consents: z.number().int() })),
    /** The soonest (at most 10); the rest through GET /api/register/rows?sort=nextExpiry. */
    soonest: z.array(expiringConsent),
  }),
  /** Disclosures this school year per party, most first. */
  disclosuresPerParty: z.array(disclosuresOfParty),
  /** Mails sent despite a block: how many, and the latest (at most 10). */
  overrides: z.object({ count: z.number().int(), latest: z.array(overrideItem) }),
  schoolYearStart: z.string(),
  /**
   * The coordinator's open work (coordinators and the privacy officer only; their screens are theirs):
   * consent requests not answered by every holder and not expired (GET /api/consent-requests?state=open),
   * and sent mails awaiting a decision (GET /api/review?state=open). Counted from kept rows of the open
   * ones per school (docs/BENCHMARKS.md), over the caller's schools.
   */
  work: z.object({ openRequests: z.number().int(), toReview: z.number().int() }).optional(),
});
export type Overview = z.infer<typeof overviewResponse>;

export const statsResponse = z.object({
  /** Valid consents that end within the next 30 days (the same definition as the overview's "expiring"); the name is kept for the clients. */
  expiringThisMonth: z.array(expiringConsent),
  disclosuresPerParty: z.array(disclosuresOfParty),
  overrides: z.array(overrideItem),
  schoolYearStart: z.string(),
});
export type Stats = z.infer<typeof statsResponse>;

export const checkpointReport = z.object({
  found: z.boolean(),
  at: z.string().optional(),
  chains: z.number().int().optional(),
  events: z.number().int().optional(),
  /** The checkpoint's own MAC and Merkle root verify. */
  signatureValid: z.boolean().optional(),
});
export const verifyResponse = z.object({
  ok: z.boolean(),
  studentsChecked: z.number(),
  eventsChecked: z.number(),
  problems: z.array(chainProblem),
  /** The last signed checkpoint the chains were compared with. */
  checkpoint: checkpointReport.optional(),
});

/** POST /api/consent-requests */
export const consentRequestInput = z.object({ studentId: id, partyId: id, purposeId: id, lang: z.enum(LANGS).optional() }).strict();
export type ConsentRequestInput = z.infer<typeof consentRequestInput>;
/** A consent request and exactly what the parents were shown. */
export const consentRequestRecord = z.object({
  requestId: z.string(),
  studentId: z.string(),
  partyId: z.string(),
  purposeId: z.string(),
  /** Every address asked (one per letter): the holders of authority, or the student from the consent age. */
  to: z.array(z.string()),
  /** Who is asked, one mail each (never two holders of authority in one To line). */
  letters: z.array(
    z.object({
      /** One address, or "" when the student has no school account the school knows. */
      to: z.string(),
      guardianId: z.string().optional(),
      student: z.literal(true).optional(),
      subject: z.string(),
      bodyText: z.string(),
      bodyHtml: z.string(),
      messageId: z.string().optional(),
      /** The holder's personal link to the parents' page (its id names the link's stored state). */
      link: z.string().optional(),
      linkId: z.string().optional(),
      /** Reminders sent so far, and the last one's moment. */
      reminders: z.number().int().optional(),
      lastReminderAt: z.string().optional(),
    }),
  ),
  /** Addressed to the student (16+) rather than the parents. */
  addressedTo: z.enum(["parents", "student"]),
  subject: z.string(),
  informationShown: z.string(),
  bodyText: z.string(),
  bodyHtml: z.string(),
  lang: z.enum(LANGS),
  createdBy: z.string(),
  createdAt: z.string(),
  /** Internet Message-ID of the sent request (when sent through Graph). */
  messageId: z.string().optional(),
  sendingSince: z.string().optional(),
  /** When the letters were sent, and until when their links to the parents' page work. */
  sentAt: z.string().optional(),
  linkExpiresAt: z.string().optional(),
});
export type ConsentRequestRecord = z.infer<typeof consentRequestRecord>;

/** The parents' access export (inzage, art. 15 AVG; DOMAIN.md section 6). */
export const accessExport = z.object({
  generatedAt: z.string(),
  controller: z.object({ name: z.string(), school: z.string().optional(), board: z.string().optional(), brin: z.string() }).optional(),
  student: z.object({ name: z.string(), studentNumber: z.string(), birthDate: z.string(), className: z.string(), leftDate: z.string().optional() }),
  guardians: z.array(z.object({ name: z.string(), relation: z.string(), hasAuthority: z.boolean() })),
  categories: z.array(z.string()),
  purposes: z.array(z.string()),
  consents: z.array(
    z.object({
      decision: z.enum(DECISIONS),
      party: z.string(),
      purpose: z.string(),
      givenBy: z.string(),
      method: z.enum(CONSENT_METHODS),
      givenAt: z.string(),
      validUntil: z.string(),
      informationShown: z.string().optional(),
      evidence: z.object({ messageId: z.string(), date: z.string(), sha256: z.string() }).optional(),
      withdrawnAt: z.string().optional(),
    }),
  ),
  notices: z.array(z.object({ party: z.string(), purpose: z.string(), informedAt: z.string(), method: z.enum(NOTICE_METHODS) })),
  recipients: z.array(z.object({ party: z.string(), basis: z.enum(DISCLOSURE_BASES), purpose: z.string(), at: z.string(), sentBy: z.string() })),
  overrides: z.array(z.object({ at: z.string(), reason: z.string() })),
  /** The data breaches that concern the student (the breach register), the wrong recipient redacted. */
  dataBreaches: z.array(z.object({ what: z.string(), categories: z.array(z.string()), flaggedAt: z.string(), awareAt: z.string(), recipient: z.string() })),
  retention: z.object({
    studentFile: z.string(),
    absenceAndEnrolment: z.string(),
    referral: z.string(),
    consentRecords: z.string(),
    disclosureLog: z.string(),
  }),
  sources: z.array(z.string()),
  rights: z.array(z.string()),
  decisionTerm: z.string(),
});
export type AccessExport = z.infer<typeof accessExport>;

/* ---- Board scale: the register paged on the server (issue 17, item 3) ---------------------------- */


/**
 * GET /api/register/rows: search, filters, sort and one page. With a party or purpose the state is the
 * student's state for that party or purpose ("missing" when the register never mentions it).
 */
export const registerQuery = z
  .object({
    q: z.string().max(200).optional(),
    state: z.enum(OVERVIEW_STATES).optional(),
    partyId: id.optional(),
    purposeId: id.optional(),
    schoolId: id.optional(),
    className: z.string().max(20).optional(),
    /** "name" sorts by family name without its particle ("van den Berg" under B), then given name. */
    sort: z.enum(REGISTER_SORT_KEYS).default("name"),
    dir: z.enum(["asc", "desc"]).default("asc"),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type RegisterQuery = z.input<typeof registerQuery>;

export const registerPage = z.object({
  rows: z.array(overviewRow),
  /** Rows matching the search and filters. */
  total: z.number().int(),
  /** Students in the register (unfiltered). */
  all: z.number().int(),
  offset: z.number().int(),
  /** The values the filter menus offer (over the whole register). */
  facets: z.object({ schools: z.array(z.string()), classes: z.array(z.string()), parties: z.array(z.string()), purposes: z.array(z.string()) }),
});
export type RegisterPage = z.infer<typeof registerPage>;

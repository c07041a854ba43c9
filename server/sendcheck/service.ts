import { AppError, notFound } from "../shared/errors.js";
import { both } from "../shared/texts.js";
import type { Principal, SchoolAccess } from "../identity/auth.js";
import { policyFor, type Policy } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import type { RegisterRepository } from "../register/repository.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import type { NewEvent, RegisterEvent } from "../register/domain.js";
import { newCheckId, newEventId } from "../register/ids.js";
import { isConflict } from "../shared/storage.js";
import { contentFacts, type MailContent } from "./content-rules.js";
import { evaluate, type RulesOutput } from "./rules.js";
import { truncate } from "./messages.js";
import { digestOf, stampOf, type DigestParts } from "./digest.js";
import { TextReader } from "./text-reader.js";
import type { CheckRepository, StoredCheck } from "./repository.js";
import { DEFAULT_OVERRIDE_REASONS, type CheckRequest, type CheckResponse, type RecipientInput } from "../../contract/sendcheck.js";
import { checkedRecipients, givenRecipients, type RecipientResolver } from "./recipients.js";
import { attachmentFindings, attachmentLimits, type AttachmentReceipts } from "./attachments.js";
import type { AttachmentFinding } from "./content-rules.js";

export type { Lang } from "../../contract/enums.js";
import type { Lang } from "../../contract/enums.js";

/** A mail to judge: its recipients by field, the texts students are detected in, and a purpose. */
export interface MailToJudge {
  /** Plain addresses, or recipients as Outlook gave them (X500, typed names, lists: resolved when a caller is given). */
  to: (string | RecipientInput)[];
  cc: (string | RecipientInput)[];
  bcc: (string | RecipientInput)[];
  /** What became of the attachments' contents (uploads with receipts), when the add-in sent them. */
  attachmentFindings?: AttachmentFinding[];
  /** The texts students are detected in, or (a mail whose body is not at hand) the students themselves. */
  texts: string[];
  studentIds?: string[];
  purposeId?: string;
  /** The subject, body and attachment names, when at hand: the content rules (a BSN, homonyms, attachments). */
  content?: MailContent;
  /** Students the user named in the task pane for a mail in which none was recognised: they count as found. */
  namedStudentIds?: string[];
  /**
   * The schools the sender works for (initials and a first name with the class count when unique among
   * their students, R-NAMES-SENDER-SCHOOL); absent: the caller's claim, else the whole board. Sent Items
   * passes the claim kept with the pending record, so the sent mail is read as it was checked.
   */
  senderSchools?: SchoolAccess;
  /** The Purview sensitivity label applied to the mail (its id). */
  sensitivityLabelId?: string;
}

export interface Judged {
  out: RulesOutput;
  studentIds: string[];
  policy: Policy;
}

const CHANGED_AFTER_OVERRIDE: Record<Lang, string> = {
  nl: "Het bericht is gewijzigd na de overschrijving en is opnieuw gecontroleerd.",
  en: "The message changed after the override and was checked again.",
};
const OVERRIDDEN: Record<Lang, string> = {
  nl: "Verzonden met een vastgelegde overschrijving voor precies dit bericht.",
  en: "Sent with a recorded override for exactly this message.",
};

/** The check id of a recording check: derived from the handler's Idempotency-Key, per tenant and user. */
export function recordingCheckId(p: Principal, idempotencyKey: string): string {
  return `chk_${sha256Hex(`${p.tenantId}|${p.userId}|${idempotencyKey}`).slice(0, 32)}`;
}

/**
 * The send check, the hot path. The directory and the detector come from the cache. For a mail about
 * k students it reads k HEAD rows (in parallel). A check is a query and writes nothing (task pane,
 * playground, a "what if" with `sentAt`), except the on-send handler's recording check (`mode: "send"`):
 * one insert of a pending record keyed by the check id that derives from its Idempotency-Key (the insert
 * is the idempotency). The disclosure log is written only when Sent Items shows the mail was sent
 * (server/sentitems/service.ts): the log records what was sent, not what was checked.
 */
export class SendCheckService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly register: RegisterRepository,
    private readonly checks: CheckRepository,
    private readonly stampKey: string,
    private readonly reader: TextReader = new TextReader({ inlineChars: 64 * 1024, budgetMs: 5000 }),
    /** Resolves X500 addresses, names and lists (Graph on behalf of the user); absent: they stay unresolved. */
    private readonly resolver?: RecipientResolver,
    /** Verifies the receipts of attachment uploads; absent: attachment contents count as unread. */
    private readonly receipts?: AttachmentReceipts,
  ) {}

  /** Ends the text reader's worker thread. */
  close(): Promise<void> {
    return this.reader.close();
  }

  /** A stored check (its students find its school for the school scope), or undefined. */
  stored(tenantId: string, checkId: string): Promise<StoredCheck | undefined> {
    return this.checks.get(tenantId, checkId);
  }

  /** The rules on a mail at a moment: consent in force and ages on `sentAt`. */
  async judge(tenantId: string, mail: MailToJudge, sentAt: Date, lang: Lang, caller?: { p: Principal; userToken?: string }): Promise<Judged> {
    const snap = await this.directory.snapshot(tenantId);
    // Large texts are read in a worker thread within a time budget (text-reader.ts).
    const read = await this.reader.read(mail.texts, mail.content ? [mail.content.subject, mail.content.body] : []);
    const detected = snap.detector.scanTokens(read.tokens, mail.senderSchools ?? caller?.p.schools);
    const found = mail.attachmentFindings ?? [];
    // Every recipient accounted for: what is not a plain SMTP address is resolved for the caller, or unresolved.
    const recipients = await checkedRecipients(givenRecipients(mail), caller?.p, caller?.userToken, caller ? this.resolver : undefined);
    if (mail.purposeId && !snap.purposeById.has(mail.purposeId))
      throw new AppError(422, "UNPROCESSABLE", both((t) => t.check.unknownPurpose), [{ path: "purposeId", message: "unknown purpose" }]);
    // Students the user named in the pane (a mail in which none was recognised) count as found.
    const named = (mail.namedStudentIds ?? []).filter((id) => !detected.students.some((d) => d.studentId === id));
    const unknown = named.filter((id) => !snap.studentById.has(id));
    if (unknown.length > 0)
      throw new AppError(422, "UNPROCESSABLE", both((t) => t.check.unknownStudent), unknown.map(() => ({ path: "studentIds", message: "unknown student" })));
    const scan = { ...detected, students: [...detected.students, ...named.map((studentId) => ({ studentId, matchedBy: "studentNumber" as const }))] };
    const studentIds = mail.studentIds ?? [...new Set([...scan.students.map((d) => d.studentId), ...found.flatMap((a) => a.studentIds)])];
    const content = mail.content ? contentFacts(mail.content, scan, snap.studentById, found, read.bsn) : undefined;
    // One point read per student: the HEAD row holds what the rules need (the consent state).
    const partitions = await Promise.all(studentIds.map((id) => this.register.readState(tenantId, id)));
    const registers = new Map<string, RegisterEvent[]>(studentIds.map((id, i) => [id, partitions[i]?.events ?? []]));
    const out = evaluate({
      recipients,
      studentIds,
      directory: snap.directory,
      registers,
      ...(mail.purposeId ? { purposeId: mail.purposeId } : {}),
      sentAt,
      lang,
      ...(content ? { content } : {}),
      ...(mail.sensitivityLabelId ? { sensitivityLabelId: mail.sensitivityLabelId } : {}),
    });
    const firstStudent = studentIds[0] ? snap.studentById.get(studentIds[0]) : undefined;
    const policy = policyFor(snap.directory, firstStudent?.schoolId ?? snap.directory.schools[0]?.id ?? "");
    return { out, studentIds, policy };
  }

  /** `userToken`: the caller's bearer token, for Graph on behalf of the user (recipient resolution). */
  async check(p: Principal, req: CheckRequest, lang: Lang, idempotencyKey?: string, userToken?: string): Promise<CheckResponse> {
    const recording = req.mode === "send";
    if (recording && req.sentAt)
      throw new AppError(400, "VALIDATION_FAILED", "A recording check (mode send) is judged at the server's time; sentAt is only for a query", [
        { path: "body.sentAt", message: "not allowed with mode send" },
      ]);
    if (recording && !idempotencyKey)
      throw new AppError(400, "VALIDATION_FAILED", "A recording check (mode send) needs an Idempotency-Key header", [
        { path: "headers.idempotency-key", message: "required with mode send" },
      ]);
    if (req.overrideOf && !recording)
      throw new AppError(400, "VALIDATION_FAILED", "overrideOf is only used by a recording check (mode send)", [
        { path: "body.overrideOf", message: "only with mode send" },
      ]);
    const now = new Date();
    const sentAt = req.sentAt ? new Date(req.sentAt) : now;
    const limits = attachmentLimits((await this.directory.snapshot(p.tenantId)).directory);
    const attachments = attachmentFindings(req, p, this.receipts, limits);
    const { out, studentIds, policy } = await this.judge(p.tenantId, { ...mailOf(req), attachmentFindings: attachments }, sentAt, lang, {
      p,
      ...(userToken ? { userToken } : {}),
    });
    const checkId = recording && idempotencyKey ? recordingCheckId(p, idempotencyKey) : newCheckId();
    const result: CheckResponse = {
      checkId,
      verdict: out.verdict,
      message: out.message,
      students: out.students,
      recipients: out.recipients,
      ...(req.purposeId ? { purposeId: req.purposeId } : {}),
      policy: {
        sendMode: policy.sendMode,
        failMode: policy.failMode,
        sendBudgetSeconds: policy.sendBudgetSeconds,
        ...(policy.encryptedMailLabelId ? { encryptedMailLabelId: policy.encryptedMailLabelId } : {}),
        ...limits,
        // A mail that may not simply go: the reasons the pane offers for sending it anyway.
        ...(out.verdict !== "allow" ? { overrideReasons: [...(policy.overrideReasons ?? DEFAULT_OVERRIDE_REASONS[lang])] } : {}),
      },
      ...(attachments.length > 0 ? { attachments: attachments.map((a) => ({ name: a.name, status: a.status, students: a.studentIds.length })) } : {}),
    };
    if (!recording || !idempotencyKey) return result;

    const digest = digestFor(req, studentIds);
    result.digest = digest.digest;
    result.stamp = stampOf(this.stampKey, p.tenantId, checkId);
    let overrideOf: StoredCheck["overrideOf"];
    if (req.overrideOf) {
      const o = await this.checks.get(p.tenantId, req.overrideOf);
      const mayUse = o?.override && (o.sentBy === p.userId || p.roles.includes("coordinator"));
      if (o?.override && mayUse && o.override.digest === digest.digest && out.verdict !== "allow") {
        overrideOf = { checkId: o.checkId, reason: o.override.reason, by: o.override.by };
        result.verdict = "allow";
        result.message = truncate(OVERRIDDEN[lang], 500);
        result.override = { checkId: o.checkId, reason: o.override.reason };
      } else if (o?.override && mayUse && out.verdict !== "allow") {
        result.message = truncate(`${CHANGED_AFTER_OVERRIDE[lang]} ${out.message}`, 500);
      }
    }
    // A mail about no student that is allowed leaves nothing to confirm: the stamp alone says it was
    // checked. One about nobody with something to act on (a BSN, homonyms, an attachment to explain) is
    // kept, so the task pane's "Take action" can open on it.
    if (studentIds.length === 0 && out.verdict === "allow") return result;
    const expiresAt = new Date(now.getTime() + policy.pendingCheckDays * 86_400_000).toISOString();
    result.pendingUntil = expiresAt;
    const requestHash = sha256Hex(canonicalJson(req));
    const pending: StoredCheck = {
      checkId,
      result,
      disclosures: out.disclosures,
      sentBy: p.userId,
      at: now.toISOString(),
      mode: "send",
      requestHash,
      digest,
      studentIds,
      ...(req.purposeId ? { purposeId: req.purposeId } : {}),
      // What Sent Items needs to read the sent mail as it was checked: the students named in the pane
      // and the sender's schools (R-ATTACH-PICK, R-NAMES-SENDER-SCHOOL).
      ...(req.studentIds && req.studentIds.length > 0 ? { namedStudentIds: req.studentIds } : {}),
      ...(p.schools !== "all" ? { senderSchools: [...p.schools] } : {}),
      expiresAt,
      state: "pending",
      ...(overrideOf ? { overrideOf } : {}),
    };
    try {
      await this.checks.save(p.tenantId, pending);
    } catch (err) {
      if (!isConflict(err) && !(err instanceof AppError && err.code === "CONFLICT")) throw err;
      // A retry of the same send (the answer was lost): the first record answers.
      const first = await this.checks.get(p.tenantId, checkId);
      if (!first) throw err;
      if (first.requestHash !== requestHash || first.sentBy !== p.userId)
        throw new AppError(422, "UNPROCESSABLE", "This Idempotency-Key was used for a different request");
      return first.result;
    }
    return result;
  }

  /** A stored check: only the user who made it, or a coordinator, may read it. */
  async get(p: Principal, checkId: string): Promise<CheckResponse> {
    return (await this.owned(p, checkId)).result;
  }

  private async owned(p: Principal, checkId: string): Promise<StoredCheck> {
    const c = await this.checks.get(p.tenantId, checkId);
    // Someone else's check is answered as absent: its existence is not disclosed either.
    if (!c || (c.sentBy !== p.userId && !p.roles.includes("coordinator"))) throw notFound("Check");
    return c;
  }

  /**
   * Lets a blocked or warned mail go with a recorded reason. The override binds to the digest of the
   * mail it was given for: the on-send handler's next check of this mail passes `overrideOf` and is let
   * through only when the digest still matches (an edited mail is checked again). Nothing goes in the
   * disclosure log now: the disclosures (basis "override") and the override itself are logged when
   * Sent Items confirms the mail was sent. `mail` is the checked mail of a query check (the task pane's).
   */
  async override(
    p: Principal,
    checkId: string,
    reason: string,
    mail: CheckRequest | undefined,
    lang: Lang,
  ): Promise<{ checkId: string; overriddenAt: string; digest: string; disclosures: number }> {
    const at = new Date().toISOString();
    const stored = await this.checks.get(p.tenantId, checkId);
    if (stored) {
      const c = await this.owned(p, checkId);
      if (c.overriddenAt || c.override) throw new AppError(409, "CONFLICT", both((t) => t.check.alreadyOverridden));
      if (c.result.verdict === "allow") throw new AppError(409, "CONFLICT", both((t) => t.check.nothingToOverride));
      if (!c.digest) throw new AppError(409, "CONFLICT", "This check cannot be overridden (made before overrides bound to content)");
      const next: StoredCheck = { ...c, override: { reason, by: p.userId, at, digest: c.digest.digest }, overriddenAt: at };
      await this.checks.replace(p.tenantId, next).catch((e: unknown) => {
        if (e instanceof AppError && (e.code === "CONFLICT" || e.status === 412)) throw new AppError(409, "CONFLICT", both((t) => t.check.alreadyOverridden));
        throw e;
      });
      return { checkId, overriddenAt: at, digest: c.digest.digest, disclosures: 0 };
    }
    if (!mail) throw notFound("Check");
    const { out, studentIds, policy } = await this.judge(p.tenantId, { ...mailOf(mail), senderSchools: p.schools }, new Date(), lang);
    if (out.verdict === "allow") throw new AppError(409, "CONFLICT", both((t) => t.check.nothingToOverride));
    const digest = digestFor(mail, studentIds);
    const record: StoredCheck = {
      checkId,
      result: {
        checkId,
        verdict: out.verdict,
        message: out.message,
        students: out.students,
        recipients: out.recipients,
        ...(mail.purposeId ? { purposeId: mail.purposeId } : {}),
        policy: { sendMode: policy.sendMode, failMode: policy.failMode, sendBudgetSeconds: policy.sendBudgetSeconds, overrideReasons: [...(policy.overrideReasons ?? DEFAULT_OVERRIDE_REASONS[lang])] },
        digest: digest.digest,
      },
      disclosures: out.disclosures,
      sentBy: p.userId,
      at,
      mode: "override",
      digest,
      studentIds,
      expiresAt: new Date(Date.parse(at) + policy.pendingCheckDays * 86_400_000).toISOString(),
      state: "override",
      override: { reason, by: p.userId, at, digest: digest.digest },
      overriddenAt: at,
    };
    try {
      await this.checks.save(p.tenantId, record);
    } catch (e) {
      if (e instanceof AppError && e.code === "CONFLICT") throw new AppError(409, "CONFLICT", both((t) => t.check.alreadyOverridden));
      throw e;
    }
    return { checkId, overriddenAt: at, digest: digest.digest, disclosures: 0 };
  }
}

function mailOf(req: CheckRequest): MailToJudge {
  return {
    to: req.to,
    cc: req.cc,
    bcc: req.bcc,
    texts: [req.subject, req.body, ...req.attachments.map((a) => a.name)],
    ...(req.purposeId ? { purposeId: req.purposeId } : {}),
    content: req,
    ...(req.studentIds ? { namedStudentIds: req.studentIds } : {}),
    ...(req.sensitivityLabelId ? { sensitivityLabelId: req.sensitivityLabelId } : {}),
  };
}

function digestFor(req: CheckRequest, studentIds: string[]): DigestParts {
  return digestOf({
    recipients: [...req.to, ...req.cc, ...req.bcc].map((r) => (typeof r === "string" ? r : r.address || r.name || "")),
    studentIds,
    attachments: req.attachments.map((a) => (a.sha256 ? { name: a.name, sha256: a.sha256 } : { name: a.name })),
    body: req.body,
  });
}

/** A disclosure event of a sent mail (confirmed from Sent Items, or judged lawful on the review list). */
export function disclosureEvent(
  studentId: string,
  checkId: string,
  d: StoredCheck["disclosures"][number] | { recipient: string; partyId?: string; basis: "override" | "legal" | "consent" | "guardian" | "information-right"; purposeId?: string },
  verdict: "allow" | "warn" | "block",
  sentBy: string,
  sent: { at: string; internetMessageId: string },
  extra: { source: "confirmed" | "review" | "unchecked"; decidedBy?: string; recordedBy: string },
): NewEvent {
  return {
    type: "disclosure",
    id: newEventId(studentId),
    studentId,
    checkId,
    ...(d.partyId ? { partyId: d.partyId } : {}),
    recipient: d.recipient,
    basis: d.basis,
    ...(d.purposeId ? { purposeId: d.purposeId } : {}),
    verdict,
    sentBy,
    at: sent.at,
    internetMessageId: sent.internetMessageId,
    source: extra.source,
    ...(extra.decidedBy ? { decidedBy: extra.decidedBy } : {}),
    recordedBy: extra.recordedBy,
    recordedAt: new Date().toISOString(),
  };
}

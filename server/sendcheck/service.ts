import { AppError, notFound } from "../shared/errors.js";
import type { Principal } from "../identity/auth.js";
import { policyFor } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import type { RegisterRepository } from "../register/repository.js";
import type { NewEvent, RegisterEvent } from "../register/domain.js";
import { newCheckId, newEventId } from "../register/ids.js";
import { contentFacts } from "./content-rules.js";
import { evaluate } from "./rules.js";
import type { CheckRepository, StoredCheck } from "./repository.js";
import type { CheckRequest, CheckResponse } from "../../contract/sendcheck.js";
import { checkedRecipients, givenRecipients, type RecipientResolver } from "./recipients.js";
import { attachmentFindings, attachmentLimits, type AttachmentReceipts } from "./attachments.js";

export type { Lang } from "../../contract/enums.js";
import type { Lang } from "../../contract/enums.js";

/**
 * The send check, the hot path. The directory and the detector come from the cache. For a mail about
 * k students it reads k register partitions (in parallel), then writes in parallel:
 *  - block: the check record only (for "Take action" and an override): k+1 round trips;
 *  - allow: one append per student with a disclosure (a single transaction each, using the ETag
 *    of the partition just read): at most 2k, so k+1 for the common one-student mail;
 *  - warn: both.
 * Disclosures stay inside each student's hash chain; that is what costs the extra writes for k > 1.
 */
export class SendCheckService {
  constructor(
    private readonly directory: DirectoryService,
    private readonly register: RegisterRepository,
    private readonly checks: CheckRepository,
    /** Resolves X500 addresses, names and lists (Graph on behalf of the user); absent: they stay unresolved. */
    private readonly resolver?: RecipientResolver,
    /** Verifies the receipts of attachment uploads; absent: attachment contents count as unread. */
    private readonly receipts?: AttachmentReceipts,
  ) {}

  /** `userToken`: the caller's bearer token, for Graph on behalf of the user (recipient resolution). */
  async check(p: Principal, req: CheckRequest, lang: Lang, userToken?: string): Promise<CheckResponse> {
    const snap = await this.directory.snapshot(p.tenantId);
    const texts = [req.subject, req.body, ...req.attachments.map((a) => a.name)];
    const scan = snap.detector.scan(texts);
    const limits = attachmentLimits(snap.directory);
    const attachments = attachmentFindings(req, p, this.receipts, limits);
    const studentIds = [...new Set([...scan.students.map((d) => d.studentId), ...attachments.flatMap((a) => a.studentIds)])];
    const content = contentFacts(req, scan, snap.studentById, attachments);
    if (req.purposeId && !snap.purposeById.has(req.purposeId))
      throw new AppError(422, "UNPROCESSABLE", "Unknown purpose", [{ path: "purposeId", message: "unknown purpose" }]);

    // One point read per student: the HEAD row holds what the rules need (the consent state).
    const partitions = await Promise.all(studentIds.map((id) => this.register.readState(p.tenantId, id)));
    const registers = new Map<string, RegisterEvent[]>(studentIds.map((id, i) => [id, partitions[i]?.events ?? []]));
    const sentAt = req.sentAt ? new Date(req.sentAt) : new Date();
    const recipients = await checkedRecipients(givenRecipients(req), p, userToken, this.resolver);
    const out = evaluate({
      recipients,
      studentIds,
      directory: snap.directory,
      registers,
      ...(req.purposeId ? { purposeId: req.purposeId } : {}),
      sentAt,
      lang,
      content,
    });
    const firstStudent = studentIds[0] ? snap.studentById.get(studentIds[0]) : undefined;
    const policy = policyFor(snap.directory, firstStudent?.schoolId ?? snap.directory.schools[0]?.id ?? "");
    const checkId = newCheckId();
    const result: CheckResponse = {
      checkId,
      verdict: out.verdict,
      message: out.message,
      students: out.students,
      recipients: out.recipients,
      ...(req.purposeId ? { purposeId: req.purposeId } : {}),
      policy: { sendMode: policy.sendMode, failMode: policy.failMode, sendBudgetSeconds: policy.sendBudgetSeconds, ...limits },
      ...(attachments.length > 0 ? { attachments: attachments.map((a) => ({ name: a.name, status: a.status, students: a.studentIds.length })) } : {}),
    };
    // A mail about nobody is kept only when there is something to act on (a BSN, an attachment to explain).
    if (studentIds.length === 0 && out.verdict === "allow") return result;
    // A dry run (the early warning while composing) writes nothing: the send is the final gate.
    if (req.dryRun === true) return result;

    const at = sentAt.toISOString();
    const stored: StoredCheck = { checkId, result, disclosures: out.disclosures, sentBy: p.userId, at };
    // The check record is what "Take action" and an override need: kept when there is something to act on.
    const writes: Promise<unknown>[] = out.verdict === "allow" ? [] : [this.checks.save(p.tenantId, stored)];
    // A warned mail may still be sent ("send anyway"), so it is logged as well as an allowed one.
    if (out.verdict !== "block") {
      studentIds.forEach((studentId, i) => {
        const mine = out.disclosures.filter((d) => d.studentId === studentId);
        if (mine.length === 0) return;
        writes.push(
          this.register.append(
            p.tenantId,
            studentId,
            () => mine.map((d): NewEvent => disclosureEvent(studentId, checkId, d, out.verdict, p.userId, at)),
            partitions[i],
          ),
        );
      });
    }
    await Promise.all(writes);
    return result;
  }

  async get(p: Principal, checkId: string): Promise<CheckResponse> {
    const c = await this.checks.get(p.tenantId, checkId);
    if (!c) throw notFound("Check");
    return c.result;
  }

  /**
   * Sent despite a block: the reason is recorded in each student's register with the disclosures.
   * Safe to retry: a student whose register already holds this check's override gets nothing twice.
   */
  async override(p: Principal, checkId: string, reason: string): Promise<{ checkId: string; overriddenAt: string; disclosures: number }> {
    const c = await this.checks.get(p.tenantId, checkId);
    if (!c) throw notFound("Check");
    if (c.overriddenAt) throw new AppError(409, "CONFLICT", "This check was already overridden");
    if (c.result.verdict === "allow") throw new AppError(409, "CONFLICT", "This check allowed the mail; there is nothing to override");
    const at = new Date().toISOString();
    // Every external recipient of the mail is logged as a disclosure on the basis "override".
    const external = c.result.recipients.filter((r) => r.kind !== "internal" && !(r.kind === "guardian" && r.verdict === "allow"));
    const written = await Promise.all(
      c.result.students.map((s) =>
        this.register.append(p.tenantId, s.id, (current) => {
          if (current.events.some((e) => e.type === "override" && e.checkId === checkId)) return [];
          return [
            { type: "override", id: newEventId(s.id), studentId: s.id, checkId, reason, by: p.userId, at, recordedBy: p.userId, recordedAt: at },
            ...external.map(
              (r): NewEvent => ({
                type: "disclosure",
                id: newEventId(s.id),
                studentId: s.id,
                checkId,
                ...(r.party ? { partyId: r.party.id } : {}),
                recipient: r.address,
                basis: "override",
                ...(c.result.purposeId ? { purposeId: c.result.purposeId } : {}),
                verdict: c.result.verdict,
                sentBy: p.userId,
                at,
                recordedBy: p.userId,
                recordedAt: at,
              }),
            ),
          ];
        }),
      ),
    );
    if (written.every((w) => w.length === 0)) throw new AppError(409, "CONFLICT", "This check was already overridden");
    await this.checks.markOverridden(p.tenantId, c, at).catch((e: unknown) => {
      // The register holds the override; a concurrent marker is harmless.
      if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
    });
    return { checkId, overriddenAt: at, disclosures: written.flat().filter((e) => e.type === "disclosure").length };
  }
}

function disclosureEvent(
  studentId: string,
  checkId: string,
  d: StoredCheck["disclosures"][number],
  verdict: "allow" | "warn" | "block",
  userId: string,
  at: string,
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
    sentBy: userId,
    at,
    recordedBy: userId,
    recordedAt: new Date().toISOString(),
  };
}

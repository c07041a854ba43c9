import type { Lang, OpenRequest, RemindDueResult, RemindersDue, RemindResult, RenewalResult, ReplyRecordRequest, RequestState } from "../../contract/index.js";
import { dutchDate, fullName, policyFor } from "../directory/domain.js";
import type { DirectoryService, DirectorySnapshot } from "../directory/service.js";
import { mayAccessSchool, type Principal, type SchoolAccess } from "../identity/auth.js";
import type { ConsentEvent, RegisterEvent } from "../register/domain.js";
import type { RegisterRepository } from "../register/repository.js";
import type { ConsentLetter, ConsentRequestRecord, ConsentRequestService, LetterSend } from "../register/requests.js";
import { endOfDutchDay, type RegisterService } from "../register/service.js";
import { recordConsent, type RecordConsentDeps } from "../register/record-consent.js";
import { AppError, notFound } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { everyTenant, REAL_TIMERS, type Timers } from "../shared/schedule.js";
import type { ParentLink, ParentLinks } from "./links.js";

/**
 * The coordinator's follow-up of consent requests (issue 17): the list of requests and where each
 * stands, a reply mail recorded in one click (student, party, purpose and text shown from the request),
 * and the renewal round (the consents that end this school year, asked again in one go).
 */

const holderKey = (l: { guardianId?: string; student?: true }): string => (l.student ? "student" : `g:${l.guardianId ?? ""}`);
const actorKey = (a: ConsentEvent["givenBy"]): string => ("student" in a ? "student" : `g:${a.guardianId}`);

/** The state of one letter: answered (on the page or by a recorded reply), expired, opened, sent or only created. */
function letterState(req: ConsentRequestRecord, link: ParentLink | undefined, reply: ConsentEvent | undefined, now: Date): RequestState {
  if (link?.answeredAt || reply) return "answered";
  if (req.linkExpiresAt && Date.parse(req.linkExpiresAt) <= now.getTime()) return "expired";
  if (link?.openedAt) return "opened";
  return req.sentAt || req.messageId ? "sent" : "created";
}

/** The whole request: answered when every letter is; otherwise the furthest any letter got, expired when the links are. */
function requestState(states: RequestState[]): RequestState {
  if (states.length > 0 && states.every((s) => s === "answered")) return "answered";
  if (states.includes("expired")) return "expired";
  for (const s of ["opened", "answered", "sent"] as const) if (states.includes(s)) return s === "answered" ? "opened" : s;
  return "created";
}

/**
 * A letter is due for a reminder (school policy reminderAfterDays / maxReminders): the server sent it
 * (a letter sent by hand from Outlook is reminded by hand), it is not answered and its link still works,
 * the last mail to this holder (the request or a reminder) went at least N days ago, fewer than M reminders.
 */
export function reminderDue(
  req: ConsentRequestRecord,
  letter: ConsentLetter,
  state: RequestState,
  policy: { reminderAfterDays: number; maxReminders: number },
  now: Date,
  /** The student's leaving date (a leaver's parents get no reminder from the day they left). */
  leftDate?: string,
): boolean {
  if ((state !== "sent" && state !== "opened") || !letter.messageId || !letter.to) return false;
  if (leftDate !== undefined && Date.parse(leftDate) <= now.getTime()) return false;
  if ((letter.reminders ?? 0) >= policy.maxReminders) return false;
  const last = letter.lastReminderAt ?? req.sentAt;
  return last !== undefined && now.getTime() - Date.parse(last) >= policy.reminderAfterDays * 86400_000;
}

/** The end of the school year a moment falls in (policy MM-DD, Dutch time). */
export function schoolYearEndOf(schoolYearEnd: string, at: Date): Date {
  const [mm, dd] = schoolYearEnd.split("-").map(Number) as [number, number];
  const [y] = dutchDate(at);
  const end = endOfDutchDay(y, mm, dd);
  return end.getTime() < at.getTime() ? endOfDutchDay(y + 1, mm, dd) : end;
}

export class FollowUp {
  constructor(
    private readonly requests: ConsentRequestService,
    private readonly links: ParentLinks,
    private readonly repo: RegisterRepository,
    private readonly register: RegisterService,
    private readonly directory: DirectoryService,
  ) {}

  /** `wanted` "open": those still waiting (not answered by every holder, not expired); `schools`: only those about their students. */
  async list(tenantId: string, wanted: RequestState | "open" | undefined, now = new Date(), schools: SchoolAccess = "all"): Promise<OpenRequest[]> {
    const [all, snap] = await Promise.all([this.requests.list(tenantId), this.directory.snapshot(tenantId)]);
    const links = await this.links.states(all.flatMap((r) => r.letters.flatMap((l) => (l.linkId ? [l.linkId] : []))));
    const eventsOf = new Map<string, Promise<RegisterEvent[]>>();
    const events = (studentId: string): Promise<RegisterEvent[]> => {
      let p = eventsOf.get(studentId);
      if (!p) eventsOf.set(studentId, (p = this.repo.read(tenantId, studentId).then((x) => x.events)));
      return p;
    };
    const out: OpenRequest[] = [];
    for (const req of all) {
      const student = snap.studentById.get(req.studentId);
      if (!student || !mayAccessSchool(schools, student.schoolId)) continue;
      const view = this.view(snap, req, links, await events(req.studentId), now);
      if (view && (!wanted || view.state === wanted || (wanted === "open" && view.state !== "answered" && view.state !== "expired"))) out.push(view);
    }
    return out;
  }

  /** One request where it stands (the list's entry). */
  async one(tenantId: string, req: ConsentRequestRecord, now = new Date()): Promise<OpenRequest> {
    const [snap, links, read] = await Promise.all([
      this.directory.snapshot(tenantId),
      this.links.states(req.letters.flatMap((l) => (l.linkId ? [l.linkId] : []))),
      this.repo.read(tenantId, req.studentId),
    ]);
    const view = this.view(snap, req, links, read.events, now);
    if (!view) throw notFound("Student");
    return view;
  }

  /**
   * Sends the reminders due for one request from the coordinator's mailbox (`send`, as the request was
   * sent: the same letter and link, the server's check stamp) and counts them. Due is decided again on
   * the stored record when it is claimed, so a second click sends nothing.
   */
  async remind(p: Principal, requestId: string, send: LetterSend, now = () => new Date()): Promise<RemindResult> {
    const reminded = await this.requests.remindOnce(p.tenantId, requestId, this.dueLetters(p.tenantId, now), send, { at: now() });
    return { reminded, request: await this.one(p.tenantId, await this.requests.get(p, requestId), now()) };
  }

  /** The letters of a stored record that are due now (decided again on the record being claimed). */
  private dueLetters(tenantId: string, now: () => Date): (rec: ConsentRequestRecord) => Promise<number[]> {
    return async (rec) => (await this.one(tenantId, rec, now())).letters.flatMap((l, i) => (l.reminderDue ? [i] : []));
  }

  /**
   * The requests with a letter due now, in `schools`: a cheap first pass on the stored records (sent by
   * the server, link still valid, a letter's last mail at least N days ago, fewer than M reminders, not a
   * leaver), then the full view (links opened or answered, replies recorded) of those alone.
   */
  async due(tenantId: string, schools: SchoolAccess, now: Date, autoOnly = false): Promise<{ request: ConsentRequestRecord; schoolId: string; auto: boolean; letters: number }[]> {
    const [all, snap] = await Promise.all([this.requests.list(tenantId), this.directory.snapshot(tenantId)]);
    const out: { request: ConsentRequestRecord; schoolId: string; auto: boolean; letters: number }[] = [];
    for (const req of all) {
      const student = snap.studentById.get(req.studentId);
      if (!student || !mayAccessSchool(schools, student.schoolId)) continue;
      if (req.linkExpiresAt && Date.parse(req.linkExpiresAt) <= now.getTime()) continue;
      const policy = policyFor(snap.directory, student.schoolId);
      if (autoOnly && !policy.autoReminders) continue;
      if (!req.letters.some((l) => reminderDue(req, l, "sent", policy, now, student.leftDate))) continue;
      const view = await this.one(tenantId, req, now);
      const letters = view.letters.filter((l) => l.reminderDue).length;
      if (letters > 0) out.push({ request: req, schoolId: student.schoolId, auto: policy.autoReminders, letters });
    }
    return out;
  }

  /** What the Open verzoeken list and the overview show: the letters due, and how many of them wait for a coordinator. */
  async remindersDue(tenantId: string, schools: SchoolAccess, now = new Date()): Promise<RemindersDue> {
    const [due, snap] = await Promise.all([this.due(tenantId, schools, now), this.directory.snapshot(tenantId)]);
    const automaticSchools = snap.directory.schools.filter((s) => mayAccessSchool(schools, s.id) && policyFor(snap.directory, s.id).autoReminders).map((s) => s.id);
    return {
      due: due.reduce((n, d) => n + d.letters, 0),
      manual: due.filter((d) => !d.auto).reduce((n, d) => n + d.letters, 0),
      automaticSchools,
    };
  }

  /**
   * Sends every reminder due in `schools` (each request claimed with its ETag, so a concurrent run or
   * click sends nothing twice). `sender` gives the send function of a request (the coordinator's own
   * mailbox, or the mailbox that sent the request). A request whose sending fails is counted, its
   * reminder not recorded, and the rest go on; `failure` hears the error (codes only, never an address).
   */
  async remindAllDue(
    tenantId: string,
    schools: SchoolAccess,
    sender: (req: ConsentRequestRecord) => LetterSend,
    /** `auto`: the scheduled job (only schools with autoReminders on; the reminder marked automatic). */
    opts: { now?: () => Date; auto?: boolean; failure?: (err: unknown) => void } = {},
  ): Promise<RemindDueResult> {
    const now = opts.now ?? (() => new Date());
    let reminded = 0;
    let failed = 0;
    for (const d of await this.due(tenantId, schools, now(), opts.auto === true)) {
      try {
        reminded += await this.requests.remindOnce(tenantId, d.request.requestId, this.dueLetters(tenantId, now), sender(d.request), { at: now(), ...(opts.auto ? { auto: true } : {}) });
      } catch (err) {
        // Claimed by another run at the same moment (ETag): that run sends it.
        if (err instanceof AppError && err.code === "CONFLICT") continue;
        failed++;
        opts.failure?.(err);
      }
    }
    return { reminded, failed };
  }

  /**
   * The scheduled follow-up (rule R-REMIND-AUTO): every `intervalMs`, for each tenant, the reminders due
   * at schools with `autoReminders` on go from the mailbox that sent the request (`appSender`: application
   * Mail.Send). One run at a time per instance; across instances each request is claimed with its ETag.
   * A failed send (a mailbox outside the app's RBAC scope) is logged by its code, never an address.
   */
  schedule(
    intervalMs: number,
    tenants: () => Promise<string[]>,
    appSender: (tenantId: string, mailbox: string) => LetterSend<void>,
    log: Logger,
    timers: Timers = REAL_TIMERS,
    clock: () => Date = () => new Date(),
  ): () => void {
    const run = async (tenantId: string): Promise<void> => {
      const r = await this.remindAllDue(tenantId, "all", (req) => appSender(tenantId, req.sentBy ?? req.createdBy), {
        now: clock,
        auto: true,
        failure: (err) =>
          log.warn({ tenant: tenantId, errName: err instanceof Error ? err.name : "unknown", code: err instanceof AppError ? err.code : undefined, status: err instanceof AppError ? err.status : undefined }, "scheduled reminder not sent"),
      });
      // Counts only: never an address, a name or a subject.
      if (r.reminded > 0 || r.failed > 0) log.info({ tenant: tenantId, reminded: r.reminded, failed: r.failed }, "scheduled reminders");
    };
    return everyTenant(intervalMs, tenants, run, log, "scheduled reminders", timers);
  }

  private view(snap: DirectorySnapshot, req: ConsentRequestRecord, links: Map<string, ParentLink>, evs: RegisterEvent[], now: Date): OpenRequest | undefined {
    const student = snap.studentById.get(req.studentId);
    if (!student) return undefined;
    const policy = policyFor(snap.directory, student.schoolId);
    const withdrawn = new Map(evs.flatMap((e) => (e.type === "withdrawal" ? [[e.consentId, e.at] as const] : [])));
    const letters = req.letters.map((l) => {
      const link = l.linkId ? links.get(l.linkId) : undefined;
      const reply = evs.find((e): e is ConsentEvent => e.type === "consent" && e.evidence?.requestId === req.requestId && actorKey(e.givenBy) === holderKey(l));
      const answeredAt = link?.answeredAt ?? reply?.givenAt;
      const decision = link?.decision ?? reply?.decision;
      const consentId = link?.consentId ?? reply?.id;
      const withdrawnAt = consentId ? withdrawn.get(consentId) : undefined;
      const name = l.student ? fullName(student) : (student.guardians.find((g) => g.id === l.guardianId)?.name ?? l.to);
      const state = letterState(req, link, reply, now);
      return {
        holder: holderKey(l),
        name,
        state,
        ...(link?.openedAt ? { openedAt: link.openedAt } : {}),
        ...(answeredAt ? { answeredAt } : {}),
        ...(decision ? { decision } : {}),
        ...(withdrawnAt ? { withdrawnAt } : {}),
        reminders: l.reminders ?? 0,
        ...(l.lastReminderAt ? { lastReminderAt: l.lastReminderAt } : {}),
        ...(l.lastReminderAuto ? { lastReminderAuto: true } : {}),
        reminderDue: reminderDue(req, l, state, policy, now, student.leftDate),
      };
    });
    return {
      requestId: req.requestId,
      studentId: student.id,
      studentName: fullName(student),
      className: student.className,
      partyId: req.partyId,
      partyName: snap.partyById.get(req.partyId)?.name ?? req.partyId,
      purposeId: req.purposeId,
      purposeLabel: snap.purposeById.get(req.purposeId)?.label ?? req.purposeId,
      createdAt: req.createdAt,
      ...(req.sentAt ? { sentAt: req.sentAt } : {}),
      ...(req.linkExpiresAt ? { linkExpiresAt: req.linkExpiresAt } : {}),
      state: requestState(letters.map((l) => l.state)),
      letters,
    };
  }

  /**
   * A reply to a request, recorded in one click: the request names the student, party, purpose and the
   * text shown; the sender names who answered (the letter sent to that address, else a holder with it).
   */
  async recordReply(deps: RecordConsentDeps, p: Principal, requestId: string, body: ReplyRecordRequest, opts: { requestKey: string | undefined; userToken: () => string }): Promise<ConsentEvent> {
    const req = await this.requests.get(p, requestId);
    const student = await this.directory.student(p.tenantId, req.studentId);
    const sender = body.evidence.sender.toLowerCase();
    const letter = req.letters.find((l) => l.to.toLowerCase() === sender);
    const guardian = student.guardians.find((g) => g.emails.some((e) => e.toLowerCase() === sender));
    const givenBy = letter?.student ? { student: true as const } : letter?.guardianId ? { guardianId: letter.guardianId } : guardian ? { guardianId: guardian.id } : undefined;
    if (!givenBy)
      throw new AppError(422, "NOT_A_GUARDIAN", {
        en: "The sender of this reply was not asked in this request and is not a registered parent of the student",
        nl: "De afzender van dit antwoord is niet gevraagd in dit verzoek en staat niet geregistreerd als ouder van de leerling",
      });
    const inReplyTo = body.evidence.inReplyTo ?? letter?.messageId ?? req.messageId;
    return recordConsent(
      deps,
      p,
      {
        studentId: req.studentId,
        partyId: req.partyId,
        purposeId: req.purposeId,
        decision: body.decision,
        givenBy,
        method: "email",
        givenAt: body.evidence.date,
        informationShown: req.informationShown,
        evidence: { ...body.evidence, ...(inReplyTo ? { inReplyTo } : {}), requestId: req.requestId },
      },
      opts,
    );
  }

  /** The valid consents that end at this school year's end (per the student's school policy), and any open request for them. */
  async renewalPreview(tenantId: string, schoolId: string | undefined, now = new Date()): Promise<{ schoolYearEnd: string; candidates: RenewalCandidate[] }> {
    const snap = await this.directory.snapshot(tenantId);
    const [states, open] = await Promise.all([this.repo.readAllStates(tenantId), this.list(tenantId, undefined, now)]);
    const openFor = new Map<string, string>();
    for (const r of open) if (r.state !== "answered" && r.state !== "expired") openFor.set(`${r.studentId}\u0000${r.partyId}\u0000${r.purposeId}`, r.requestId);
    const candidates: RenewalCandidate[] = [];
    let yearEnd: Date | undefined;
    for (const s of snap.directory.students) {
      if (schoolId && s.schoolId !== schoolId) continue;
      const end = schoolYearEndOf(policyFor(snap.directory, s.schoolId).schoolYearEnd, now);
      yearEnd ??= end;
      const events = states.get(s.id)?.events ?? [];
      for (const st of this.register.statuses(snap, s, events, now)) {
        const party = snap.partyById.get(st.partyId);
        if (st.state !== "valid" || !st.validUntil || !party || Date.parse(st.validUntil) > end.getTime()) continue;
        const openRequestId = openFor.get(`${s.id}\u0000${st.partyId}\u0000${st.purposeId}`);
        candidates.push({
          studentId: s.id,
          studentName: fullName(s),
          className: s.className,
          partyId: st.partyId,
          partyName: party.name,
          purposeId: st.purposeId,
          purposeLabel: snap.purposeById.get(st.purposeId)?.label ?? st.purposeId,
          validUntil: st.validUntil,
          ...(openRequestId ? { openRequestId } : {}),
        });
      }
    }
    candidates.sort((a, b) => a.className.localeCompare(b.className) || a.studentName.localeCompare(b.studentName) || a.partyName.localeCompare(b.partyName));
    return { schoolYearEnd: (yearEnd ?? schoolYearEndOf("07-31", now)).toISOString(), candidates };
  }

  /** Writes one request per chosen consent (each with its parents'-page links) and sends them when asked. */
  async renewalRound(
    p: Principal,
    items: { studentId: string; partyId: string; purposeId: string }[],
    lang: Lang | undefined,
    send: ((req: ConsentRequestRecord) => Promise<unknown>) | undefined,
    msgLang: Lang,
  ): Promise<RenewalResult> {
    const result: RenewalResult = { created: [], failed: [] };
    for (const item of items) {
      try {
        const req = await this.requests.create(p, { ...item, ...(lang ? { lang } : {}) });
        let sent = false;
        if (send) {
          await send(req);
          sent = true;
        }
        result.created.push({ ...item, requestId: req.requestId, sent });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        result.failed.push({ ...item, code: err.code, message: err.messageIn(msgLang) });
      }
    }
    return result;
  }
}

export interface RenewalCandidate {
  studentId: string;
  studentName: string;
  className: string;
  partyId: string;
  partyName: string;
  purposeId: string;
  purposeLabel: string;
  validUntil: string;
  openRequestId?: string;
}

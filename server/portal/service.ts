import type { Lang, ParentAnswer } from "../../contract/index.js";
import type { Student } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import type { Principal } from "../identity/auth.js";
import type { ConsentEvent, Evidence, RegisterEvent } from "../register/domain.js";
import type { RegisterRepository } from "../register/repository.js";
import type { ConsentRequestRecord, ConsentRequestService } from "../register/requests.js";
import type { RegisterService } from "../register/service.js";
import { AppError } from "../shared/errors.js";
import { canonicalJson, sha256Hex } from "../shared/hash.js";
import { isConflict } from "../shared/storage.js";
import { actorOf, type Holder, type ParentLink, type ParentLinks } from "./links.js";
import { parentPage, type PageModel } from "./page.js";

/** Who records what the parents' page receives (recordedBy of the events). */
export const PORTAL_USER = "parents-page";

const sameActor = (a: ConsentEvent["givenBy"], h: Holder): boolean => ("student" in a ? h === "student" : h === `g:${a.guardianId}`);

/** The latest granted, not withdrawn consent of a holder for the request's party and purpose. */
function withdrawableConsent(events: RegisterEvent[], req: ConsentRequestRecord, holder: Holder): ConsentEvent | undefined {
  const withdrawn = new Set(events.flatMap((e) => (e.type === "withdrawal" ? [e.consentId] : [])));
  return events
    .filter((e): e is ConsentEvent => e.type === "consent" && e.partyId === req.partyId && e.purposeId === req.purposeId && sameActor(e.givenBy, holder))
    .filter((e) => e.decision === "granted" && !withdrawn.has(e.id))
    .sort((a, b) => b.givenAt.localeCompare(a.givenAt))[0];
}

/**
 * The parents' page: shows a request's stored information text to the holder its link is for, and
 * records their answer as consent with method "portal" and evidence (request, holder, the text shown,
 * the moment, the hash of the answer), or their withdrawal. A link records one answer; the register's
 * own rules (authority, age) apply as to anything recorded.
 */
export class ParentPortal {
  constructor(
    private readonly links: ParentLinks,
    private readonly requests: ConsentRequestService,
    private readonly register: RegisterService,
    private readonly repo: RegisterRepository,
    private readonly directory: DirectoryService,
  ) {}

  private async model(token: string, link: ParentLink, lang: Lang | undefined): Promise<{ req: ConsentRequestRecord; student: Student; page: PageModel; events: RegisterEvent[] }> {
    const req = await this.requests.find(link.tenantId, link.requestId);
    const snap = await this.directory.snapshot(link.tenantId);
    const student = snap.studentById.get(req.studentId);
    if (!student) throw new AppError(410, "LINK_EXPIRED", { en: "This request is no longer open. Contact the school.", nl: "Dit verzoek staat niet meer open. Neem contact op met de school." });
    const school = snap.directory.schools.find((s) => s.id === student.schoolId);
    const holderName = link.holder === "student" ? student.givenName : (student.guardians.find((g) => `g:${g.id}` === link.holder)?.name ?? "");
    const { events } = await this.repo.read(link.tenantId, student.id);
    const open = withdrawableConsent(events, req, link.holder);
    const withdrawal = link.consentId ? events.find((e) => e.type === "withdrawal" && e.consentId === link.consentId) : undefined;
    const page: PageModel = {
      lang: lang ?? req.lang,
      student: link.holder === "student",
      schoolName: school?.name ?? "",
      holderName,
      childName: student.givenName,
      partyName: snap.partyById.get(req.partyId)?.name ?? req.partyId,
      purposeLabel: snap.purposeById.get(req.purposeId)?.label ?? req.purposeId,
      informationShown: req.informationShown,
      selfPath: `/api/parents/${token}`,
      ...(link.answeredAt && link.decision ? { answered: { at: link.answeredAt, decision: link.decision } } : {}),
      ...(withdrawal?.type === "withdrawal" ? { withdrawnAt: withdrawal.at } : {}),
      ...(open ? { withdrawable: { at: open.givenAt } } : {}),
    };
    return { req, student, page, events };
  }

  async view(token: string, lang: Lang | undefined, now = new Date()): Promise<string> {
    const { link, etag } = await this.links.resolve(token, now);
    const opened = await this.links.markOpened(link, etag, now);
    return parentPage((await this.model(token, opened, lang)).page);
  }

  async answer(token: string, answer: ParentAnswer, lang: Lang | undefined, now = new Date()): Promise<string> {
    const { link, etag } = await this.links.resolve(token, now);
    const { req, student, events } = await this.model(token, link, lang);
    // The parents' page acts for one student only: its school is all it may reach.
    const principal: Principal = { tenantId: link.tenantId, userId: PORTAL_USER, roles: [], schools: [student.schoolId] };
    const by = actorOf(link.holder);
    if (answer === "withdraw") {
      const consent = withdrawableConsent(events, req, link.holder);
      if (!consent)
        throw new AppError(409, "CONFLICT", { en: "There is no consent to withdraw.", nl: "Er is geen toestemming om in te trekken." });
      await this.register.withdraw(
        principal,
        consent.id,
        { by, at: now.toISOString(), reason: lang === "en" ? "Withdrawn on the parents' page" : "Ingetrokken op de ouderpagina" },
        `portal-${link.linkId}-w-${consent.id}`,
      );
      await this.save({ ...link, withdrawnAt: now.toISOString(), ...(link.consentId ? {} : { consentId: consent.id }) }, etag);
    } else {
      if (link.answeredAt)
        throw new AppError(409, "ALREADY_ANSWERED", {
          en: "Your answer was already saved. Changed your mind? Contact the school.",
          nl: "Uw antwoord is al bewaard. Toch van gedachten veranderd? Neem contact op met de school.",
        });
      const decision = answer === "give" ? "granted" : "refused";
      const at = now.toISOString();
      const holderAddress = req.letters.find((l) => (link.holder === "student" ? l.student === true : `g:${l.guardianId}` === link.holder))?.to ?? "";
      const evidence: Evidence = {
        messageId: `portal:${req.requestId}:${link.linkId}`,
        sender: holderAddress,
        date: at,
        // The hash of the answer as given: request, holder, decision, moment and the text shown.
        sha256: sha256Hex(canonicalJson({ requestId: req.requestId, holder: link.holder, decision, at, informationShown: sha256Hex(req.informationShown) })),
        hashSource: "portal",
        requestId: req.requestId,
      };
      const event = await this.register.recordConsent(
        principal,
        { studentId: student.id, partyId: req.partyId, purposeId: req.purposeId, decision, givenBy: by, method: "portal", givenAt: at, informationShown: req.informationShown },
        `portal-${link.linkId}`,
        evidence,
      );
      await this.save({ ...link, answeredAt: event.givenAt, decision: event.decision, consentId: event.id }, etag);
    }
    const fresh = await this.links.resolve(token, now, true);
    const { page } = await this.model(token, fresh.link, lang);
    return parentPage({ ...page, done: answer === "give" ? "given" : answer === "refuse" ? "refused" : "withdrawn" });
  }

  /** A concurrent answer through the same link already stored its own (the register kept one event by the link's key). */
  private async save(link: ParentLink, etag: string): Promise<void> {
    await this.links.update(link, etag).catch((err: unknown) => {
      if (!isConflict(err)) throw err;
      throw new AppError(409, "ALREADY_ANSWERED", {
        en: "Your answer was already saved. Changed your mind? Contact the school.",
        nl: "Uw antwoord is al bewaard. Toch van gedachten veranderd? Neem contact op met de school.",
      });
    });
  }
}


import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import { AppError, notFound } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";
import type { Principal } from "../identity/auth.js";
import type { Lang } from "../../contract/enums.js";
import { ageOn, controllerName, dutchDate, formatDutchDate, fullName, holdsAuthority, policyFor, type Party, type Purpose, type School, type Student } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import { defaultValidUntil, endOfDutchDay } from "./service.js";
import type { MailSender, ParentLinkIssuer } from "./ports.js";

/**
 * One mail of a consent request: to one holder of parental authority (never two addresses in one To
 * line: divorced parents, contact bans), or to the student from the consent age.
 */
export interface ConsentLetter {
  /** One address, or "" when the student has no school account the school knows (the user fills it in). */
  to: string;
  guardianId?: string;
  student?: true;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  /** Internet Message-ID once sent through Graph. */
  messageId?: string;
  /** The holder's personal link to the parents' page, and the id of its stored state. */
  link?: string;
  linkId?: string;
  reminders?: number;
  lastReminderAt?: string;
  /** The last reminder went by the scheduled follow-up (application Mail.Send), not a coordinator's click. */
  lastReminderAuto?: true;
}

export interface ConsentRequestRecord {
  requestId: string;
  studentId: string;
  partyId: string;
  purposeId: string;
  /** Every address asked (one per letter): the holders of authority, or the student from the consent age. */
  to: string[];
  /** Who is asked, one mail each. */
  letters: ConsentLetter[];
  /** The first letter's subject and body (all letters share the information text). */
  subject: string;
  /** Exactly what the parents (or the student) are shown; stored with the consent as "informationShown". */
  informationShown: string;
  bodyText: string;
  bodyHtml: string;
  lang: Lang;
  /** Addressed to the student (16+) rather than the parents. */
  addressedTo: "parents" | "student";
  createdBy: string;
  createdAt: string;
  /** Internet Message-ID of the (first) sent letter (when sent through Graph). */
  messageId?: string;
  /** Set while one request sends it: a second, concurrent send waits for the first's outcome. */
  sendingSince?: string;
  sentAt?: string;
  /**
   * Who sent it (the user id, as Graph's /users/{id} takes it; the Sent Items sweep names mailboxes the
   * same way): the scheduled follow-up sends a reminder from this mailbox. Absent on older records: createdBy.
   */
  sentBy?: string;
  /** Until when the letters' links to the parents' page work (school policy parentLinkDays). */
  linkExpiresAt?: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (text: string): string =>
  text
    .split("\n\n")
    .map((para) => `<p>${esc(para).replace(/\n/g, "<br>")}</p>`)
    .join("");

/**
 * The informed-consent text of DOMAIN.md section 4 in plain words (B1): who is responsible (the board
 * and the school), what for, which data, to whom, that saying no and withdrawing are free, how long,
 * and the rights. `to` "student": addressed to a student of 16 or older ("je").
 */
export function informationText(
  lang: Lang,
  school: School | undefined,
  student: Student,
  party: Party,
  purpose: Purpose,
  validUntil: string,
  retentionYears: number,
  to: "parents" | "student" = "parents",
): string {
  const controller = controllerName(school, lang);
  const brin = school ? ` (BRIN ${school.brin})` : "";
  const until = formatDutchDate(new Date(validUntil), lang);
  const health = purpose.specialCategory === true;
  if (lang === "en") {
    const your = to === "student" ? "your" : `${student.givenName}'s`;
    return [
      `Who is responsible: ${controller}${brin}.`,
      `What for: ${purpose.label}.`,
      `Which data: only what this purpose needs about ${fullName(student)} (such as the support plan, observations and results). Never the whole student file.${health ? " This includes health data: we ask for your explicit consent." : ""}`,
      `To whom: ${party.name}. They use the data only for this purpose${party.agreedChannel ? ` and receive it via ${party.agreedChannel}` : ""}.`,
      `Your choice: you are free to say yes or no. You can say no later as well, just as easily: reply to this email or contact the school. What was sent before stays sent.`,
      `How long: this consent is valid until ${until}. We keep your answer for ${retentionYears} years after the processing ends, to show that we kept to the rules.`,
      `Your rights: you may see ${your} data, have it corrected or removed. You get an answer within one month. You can also complain to the Autoriteit Persoonsgegevens.`,
    ].join("\n");
  }
  const je = to === "student";
  return [
    `Wie is verantwoordelijk: ${controller}${brin}.`,
    `Waarvoor: ${purpose.label}.`,
    `Welke gegevens: alleen wat voor dit doel nodig is over ${fullName(student)} (bijvoorbeeld het ontwikkelingsperspectief, observaties en resultaten). Nooit het hele leerlingdossier.${health ? ` Het gaat ook om gegevens over gezondheid. Daarom vragen wij ${je ? "je" : "u"} uitdrukkelijk om toestemming.` : ""}`,
    `Aan wie: ${party.name}. Zij gebruiken de gegevens alleen voor dit doel${party.agreedChannel ? ` en krijgen ze via ${party.agreedChannel}` : ""}.`,
    je
      ? `Jouw keuze: je mag ja of nee zeggen. Je mag later ook nog nee zeggen. Dat is net zo makkelijk: antwoord op deze e-mail of zeg het tegen de school. Wat al is verstuurd, blijft verstuurd.`
      : `Uw keuze: u mag ja of nee zeggen. U mag later ook nog nee zeggen. Dat is net zo makkelijk: antwoord op deze e-mail of neem contact op met de school. Wat al is verstuurd, blijft verstuurd.`,
    `Hoe lang: de toestemming geldt tot en met ${until}. Wij bewaren ${je ? "je" : "uw"} antwoord tot ${retentionYears} jaar nadat de verwerking stopt. Zo kunnen wij laten zien dat wij ons aan de regels hebben gehouden.`,
    je
      ? `Jouw rechten: je mag jouw gegevens inzien, laten verbeteren of laten verwijderen. Je krijgt binnen een maand antwoord. Je kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.`
      : `Uw rechten: u mag de gegevens van ${student.givenName} inzien, laten verbeteren of laten verwijderen. U krijgt binnen een maand antwoord. U kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens.`,
  ].join("\n");
}

/** The letter around the information text: salutation, why, the information, how to answer. */
function letterText(
  lang: "nl" | "en",
  to: { name: string; student: boolean; voogd?: boolean },
  student: Student,
  party: Party,
  purpose: Purpose,
  informationShown: string,
  allHolders: boolean,
  /** How many holders of authority get a letter (one of them: no "each separately"). */
  holders: number,
  requestId: string,
  link?: { url: string; until: string },
): string {
  const code = `[ZV-${requestId}]`;
  if (lang === "en") {
    const intro = to.student
      ? `Dear ${to.name},\n\nWe would like to share information about you with ${party.name}. You are 16 or older, so we ask you yourself for consent. Below you can read exactly what that means.`
      : `Dear ${to.name},\n\nWe would like to share information about ${student.givenName} with ${party.name}. For that we ask your consent${to.voogd ? ` as ${student.givenName}'s guardian` : ""}.${holders > 1 ? " We send this letter to each parent with parental authority (or guardian) separately." : ""}${allHolders ? " For this purpose we need the consent of every parent with authority." : ""} Below you can read exactly what that means.`;
    const page = link ? `\n\nYou can also answer on your personal page (no account needed): ${link.url}\nThis link works until ${link.until}. It is meant only for you: do not forward this email.` : "";
    return `${intro}\n\n${informationShown}\n\nDo you consent? Reply to this email with "I consent". If you do not, reply "I do not consent". Please keep the code ${code} in the subject.${page}`;
  }
  const intro = to.student
    ? `Beste ${to.name},\n\nWij willen graag informatie over jou delen met ${party.name}. Je bent 16 jaar of ouder. Daarom vragen wij jou zelf om toestemming. Hieronder lees je precies wat dat betekent.`
    : `Beste ${to.name},\n\nWij willen graag informatie over ${student.givenName} delen met ${party.name}. Daarvoor vragen wij ${to.voogd ? `u als voogd van ${student.givenName} om toestemming` : "uw toestemming"}.${holders > 1 ? ` Deze brief gaat apart naar elke ouder met gezag${to.voogd ? " of voogd" : ""}.` : ""}${allHolders ? " Voor dit doel is de toestemming van alle ouders met gezag nodig." : ""} Hieronder leest u precies wat dat betekent.`;
  const answer = to.student
    ? `Geef je toestemming? Antwoord dan op deze e-mail met „Ik geef toestemming”. Geef je geen toestemming? Antwoord dan met „Ik geef geen toestemming”. Laat de code ${code} in het onderwerp staan.`
    : `Geeft u toestemming? Antwoord dan op deze e-mail met „Ik geef toestemming”. Geeft u geen toestemming? Antwoord dan met „Ik geef geen toestemming”. Laat de code ${code} in het onderwerp staan.`;
  const page = link
    ? to.student
      ? `\n\nJe kunt ook antwoorden op je eigen pagina (geen account nodig): ${link.url}\nDeze link werkt tot en met ${link.until}. De link is alleen voor jou: stuur deze e-mail niet door.`
      : `\n\nU kunt ook antwoorden op uw eigen pagina (geen account nodig): ${link.url}\nDeze link werkt tot en met ${link.until}. De link is alleen voor u: stuur deze e-mail niet door.`
    : "";
  return `${intro}\n\n${informationShown}\n\n${answer}${page}`;
}

/** A reminder's subject: the request's own (its [ZV-...] code stays, so a reply is still recognised). */
const reminderSubject = (lang: Lang, subject: string): string => `${lang === "en" ? "Reminder" : "Herinnering"}: ${subject}`;

/** The line above a reminded letter (B1); the letter below it is the one sent before, with the same link. */
function reminderLine(lang: Lang, student: boolean): string {
  if (lang === "en") return "A reminder: we have not received your answer to the question below yet. You are free to say yes or no.";
  return student
    ? "Een herinnering: wij hebben jouw antwoord op de vraag hieronder nog niet gekregen. Je mag ja of nee zeggen."
    : "Een herinnering: wij hebben uw antwoord op de vraag hieronder nog niet gekregen. U mag ja of nee zeggen.";
}

/** Sends one letter from the user's mailbox: one recipient per mail, never two holders of authority in one To line. */
/** One letter to one holder, as the server sends it. */
type Letter = { to: string; subject: string; bodyHtml: string };

/**
 * Sends one letter. `unavailable`: this server cannot send at all (dev mode, no Graph), said before a
 * request is claimed: a claim given back after a failed send would still have rewritten the row.
 */
export type LetterSend<R = string | void> = ((letter: Letter) => Promise<R>) & { readonly unavailable?: AppError };

/** The letters' sender from the user's own mailbox. */
export function letterSender(mail: MailSender, p: Principal, userToken: string): LetterSend<string> {
  const send = async (letter: Letter): Promise<string> => (await mail.send(p, userToken, { to: [letter.to], subject: letter.subject, bodyHtml: letter.bodyHtml })).internetMessageId;
  return mail.configured === false ? Object.assign(send, { unavailable: new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server: nothing was sent") }) : send;
}

/** The end of the Dutch calendar day an instant falls on (a link "works until and including" that day). */
function endOfDay(at: Date): string {
  const [y, m, d] = dutchDate(at);
  return endOfDutchDay(y, m, d).toISOString();
}

export class ConsentRequestService {
  constructor(
    private readonly storage: Storage,
    private readonly directory: DirectoryService,
    /** Issues the letters' personal links to the parents' page (absent: letters without a link). */
    private readonly links?: ParentLinkIssuer,
    /** Told of each request made (its school and who is asked) and of those purged: the overview's count of open requests. */
    private readonly index?: {
      opened(tenantId: string, e: { requestId: string; schoolId: string; expiresAt?: string; pending: string[] }): Promise<void>;
      purged(tenantId: string, requestIds: ReadonlySet<string>): Promise<void>;
    },
  ) {}

  async create(p: Principal, input: { studentId: string; partyId: string; purposeId: string; lang?: Lang }): Promise<ConsentRequestRecord> {
    const snap = await this.directory.snapshot(p.tenantId);
    const student = snap.studentById.get(input.studentId);
    if (!student) throw notFound("Student");
    const party = snap.partyById.get(input.partyId);
    const purpose = snap.purposeById.get(input.purposeId);
    if (!party || !purpose)
      throw new AppError(422, "UNPROCESSABLE", { en: "Party or purpose does not exist", nl: "Deze partij of dit doel bestaat niet" });
    const policy = policyFor(snap.directory, student.schoolId);
    const school = snap.directory.schools.find((s) => s.id === student.schoolId);
    const lang = input.lang ?? "nl";
    const now = new Date();
    const studentAlone = ageOn(student.birthDate, now) >= policy.studentConsentAge;
    const addressedTo = studentAlone ? "student" : "parents";
    const holders = studentAlone ? [] : student.guardians.filter((g) => holdsAuthority(g, student, now) && g.emails.length > 0);
    if (!studentAlone && holders.length === 0)
      throw new AppError(422, "UNPROCESSABLE", {
        en: "No parent with parental authority (or guardian) has an email address in the register",
        nl: "Geen ouder met gezag of voogd heeft een e-mailadres in het register",
      });
    const requestId = `r${randomBytes(5).toString("hex")}`;
    const informationShown = informationText(lang, school, student, party, purpose, defaultValidUntil(policy, now), policy.retention.consentYears, addressedTo);
    const subject =
      lang === "nl"
        ? `Toestemming gevraagd: ${purpose.label} (${party.name}) [ZV-${requestId}]`
        : `Consent requested: ${purpose.label} (${party.name}) [ZV-${requestId}]`;
    const allHolders = purpose.farReaching && policy.farReachingNeedsAllHolders && holders.length > 1;
    // The student's own school account, when the school has a student domain.
    const studentDomain = school?.studentDomains?.[0];
    const recipients: { to: string; name: string; guardianId?: string; student?: true; voogd?: true }[] = studentAlone
      ? [{ to: studentDomain ? `${student.studentNumber.toLowerCase()}@${studentDomain}` : "", name: student.givenName, student: true }]
      : holders.map((g) => ({ to: g.emails[0] ?? "", name: g.name, guardianId: g.id, ...(g.relation === "guardian" ? { voogd: true as const } : {}) }));
    const linkExpiresAt = endOfDay(new Date(now.getTime() + policy.parentLinkDays * 86400_000));
    const letters: ConsentLetter[] = await Promise.all(
      recipients.map(async (r) => {
        const issued = this.links ? await this.links.issue(p.tenantId, requestId, r.guardianId ? `g:${r.guardianId}` : "student", linkExpiresAt) : undefined;
        const link = issued ? { url: issued.url, until: formatDutchDate(new Date(linkExpiresAt), lang) } : undefined;
        const bodyText = letterText(lang, { name: r.name, student: r.student === true, voogd: r.voogd === true }, student, party, purpose, informationShown, allHolders, recipients.length, requestId, link);
        return {
          to: r.to,
          ...(r.guardianId ? { guardianId: r.guardianId } : {}),
          ...(r.student ? { student: true as const } : {}),
          subject,
          bodyText,
          bodyHtml: html(bodyText),
          ...(issued ? { link: issued.url, linkId: issued.linkId } : {}),
        };
      }),
    );
    const first = letters[0];
    const rec: ConsentRequestRecord = {
      requestId,
      studentId: student.id,
      partyId: party.id,
      purposeId: purpose.id,
      to: letters.map((l) => l.to).filter((a) => a.length > 0),
      letters,
      subject,
      informationShown,
      bodyText: first?.bodyText ?? "",
      bodyHtml: first?.bodyHtml ?? "",
      lang,
      addressedTo,
      createdBy: p.userId,
      createdAt: now.toISOString(),
      ...(this.links ? { linkExpiresAt } : {}),
    };
    await this.storage.run("Meta", (t) =>
      t.createEntity({ partitionKey: key(p.tenantId, "request"), rowKey: requestId, data: JSON.stringify(rec) }),
    );
    await this.index?.opened(p.tenantId, {
      requestId,
      schoolId: student.schoolId,
      ...(rec.linkExpiresAt ? { expiresAt: rec.linkExpiresAt } : {}),
      pending: letters.map((l) => (l.student ? "student" : `g:${l.guardianId ?? ""}`)),
    });
    return rec;
  }

  /**
   * Sends a request at most once, one mail per letter (one recipient each): claims it with the
   * record's ETag (a concurrent send gets 409), sends each letter not sent yet, and records each
   * Internet Message-ID (the reply refers to it). An already sent request is returned as it is. A failed
   * send releases the claim and keeps the letters already sent, so a retry sends only the rest.
   */
  async sendOnce(p: Principal, requestId: string, send: LetterSend<string>, at?: () => Date): Promise<ConsentRequestRecord> {
    const pk = key(p.tenantId, "request");
    const e = await this.storage.getOrUndefined("Meta", pk, key(requestId));
    if (!e) throw notFound("Consent request");
    const rec = JSON.parse(String(e.data)) as ConsentRequestRecord;
    if (rec.messageId) return rec;
    if (rec.sendingSince && Date.now() - Date.parse(rec.sendingSince) < 120_000)
      throw new AppError(409, "CONFLICT", { en: "This consent request is being sent right now", nl: "Dit toestemmingsverzoek wordt nu al verstuurd" }, undefined, { "Retry-After": "5" });
    if (rec.letters.some((l) => l.to.length === 0))
      throw new AppError(422, "UNPROCESSABLE", {
        en: "A letter of this request has no address (a student without a school account): send it from Outlook",
        nl: "Een brief van dit verzoek heeft geen adres (een leerling zonder schoolaccount): verstuur hem vanuit Outlook",
      });
    if (send.unavailable) throw send.unavailable;
    const claimed = { ...rec, sendingSince: new Date().toISOString() };
    await this.storage.run("Meta", (t) =>
      t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify(claimed) }, "Replace", { etag: String(e.etag) }),
    );
    const letters = [...rec.letters];
    const save = (r: ConsentRequestRecord) =>
      this.storage.run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify(r) }, "Replace"));
    try {
      for (const [i, l] of letters.entries()) {
        if (l.messageId) continue;
        letters[i] = { ...l, messageId: await send({ to: l.to, subject: l.subject, bodyHtml: l.bodyHtml }) };
      }
    } catch (err) {
      await save({ ...rec, letters }).catch(() => undefined);
      throw err;
    }
    const { sendingSince: _s, ...sent } = { ...claimed, letters, sentAt: (at?.() ?? new Date()).toISOString(), sentBy: p.userId, ...(letters[0]?.messageId ? { messageId: letters[0].messageId } : {}) };
    await save(sent);
    return sent;
  }

  /**
   * Sends a reminder for the letters `due` picks from the stored record (issue 17 item 2): the same letter
   * (the same personal link) under a short reminder line, one recipient per mail. Counts first, claimed
   * with the record's ETag (a second click at the same time gets 409, a later one finds nothing due), then
   * sends; a letter whose send fails gets its count back and the error is thrown. Returns the letters reminded.
   */
  async remindOnce(
    tenantId: string,
    requestId: string,
    due: (rec: ConsentRequestRecord) => Promise<number[]>,
    send: LetterSend,
    opts: { at?: Date; auto?: boolean } = {},
  ): Promise<number> {
    const pk = key(tenantId, "request");
    const e = await this.storage.getOrUndefined("Meta", pk, key(requestId));
    if (!e) throw notFound("Consent request");
    const rec = JSON.parse(String(e.data)) as ConsentRequestRecord;
    const indexes = new Set((await due(rec)).filter((i) => (rec.letters[i]?.to.length ?? 0) > 0));
    if (indexes.size === 0) return 0;
    if (send.unavailable) throw send.unavailable;
    const at = (opts.at ?? new Date()).toISOString();
    const letters = rec.letters.map((l, i) => {
      if (!indexes.has(i)) return l;
      const { lastReminderAuto: _a, ...rest } = l;
      return { ...rest, reminders: (l.reminders ?? 0) + 1, lastReminderAt: at, ...(opts.auto ? { lastReminderAuto: true as const } : {}) };
    });
    await this.storage.run("Meta", (t) =>
      t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify({ ...rec, letters }) }, "Replace", { etag: String(e.etag) }),
    );
    const failed: number[] = [];
    let error: unknown;
    for (const i of indexes) {
      const l = rec.letters[i];
      if (!l) continue;
      try {
        await send({ to: l.to, subject: reminderSubject(rec.lang, l.subject), bodyHtml: html(reminderLine(rec.lang, l.student === true)) + l.bodyHtml });
      } catch (err) {
        failed.push(i);
        error ??= err;
      }
    }
    if (failed.length > 0) {
      const back = letters.map((l, i) => (failed.includes(i) ? (rec.letters[i] ?? l) : l));
      await this.storage
        .run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify({ ...rec, letters: back }) }, "Replace"))
        .catch(() => undefined);
      throw error;
    }
    return indexes.size;
  }

  async get(p: Principal, requestId: string): Promise<ConsentRequestRecord> {
    return this.find(p.tenantId, requestId);
  }

  /** A request of a tenant (the parents' page knows the tenant from its link, not from a token). */
  async find(tenantId: string, requestId: string): Promise<ConsentRequestRecord> {
    const e = await this.storage.getOrUndefined("Meta", key(tenantId, "request"), key(requestId));
    if (!e) throw notFound("Consent request");
    return JSON.parse(String(e.data)) as ConsentRequestRecord;
  }

  /**
   * The retention purge of consent requests (R-RETAIN-REQUESTS in docs/RETENTION.md): removes those `due`
   * says and returns how many, and the ids of the requests that are kept (their links stay). `dryRun`:
   * counts, removes nothing.
   */
  async purgeWhere(tenantId: string, due: (r: ConsentRequestRecord) => boolean, dryRun = false): Promise<{ removed: number; kept: Set<string> }> {
    const pk = key(tenantId, "request");
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${pk}`);
    const kept = new Set<string>();
    const gone: { partitionKey: string; rowKey: string }[] = [];
    for (const e of rows) {
      const r = JSON.parse(String(e.data)) as ConsentRequestRecord;
      if (due(r)) gone.push({ partitionKey: pk, rowKey: String(e.rowKey) });
      else kept.add(r.requestId);
    }
    if (dryRun) return { removed: gone.length, kept };
    const removed = await this.storage.deleteRows("Meta", gone);
    await this.index?.purged(tenantId, new Set(gone.map((g) => g.rowKey)));
    return { removed, kept };
  }

  /** Every request of a tenant, newest first (the follow-up list). */
  async list(tenantId: string): Promise<ConsentRequestRecord[]> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${key(tenantId, "request")}`);
    return rows.map((e) => JSON.parse(String(e.data)) as ConsentRequestRecord).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}

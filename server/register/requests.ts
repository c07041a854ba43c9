import { randomBytes } from "node:crypto";
import { AppError, notFound } from "../shared/errors.js";
import { key, type Storage } from "../shared/storage.js";
import type { Principal } from "../identity/auth.js";
import type { Lang } from "../../contract/enums.js";
import { ageOn, fullName, policyFor, type Party, type Purpose, type School, type Student } from "../directory/domain.js";
import type { DirectoryService } from "../directory/service.js";
import { defaultValidUntil } from "./service.js";

export interface ConsentRequestRecord {
  requestId: string;
  studentId: string;
  partyId: string;
  purposeId: string;
  /** Who is asked: the guardians with authority, or the student 16+. */
  to: string[];
  subject: string;
  /** Exactly what the parents are shown; stored with the consent as "informationShown". */
  informationShown: string;
  bodyText: string;
  bodyHtml: string;
  lang: Lang;
  createdBy: string;
  createdAt: string;
  /** Internet Message-ID of the sent request (when sent through Graph). */
  messageId?: string;
  /** Set while one request sends it: a second, concurrent send waits for the first's outcome. */
  sendingSince?: string;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The informed-consent text of DOMAIN.md section 4: who, what purpose, which data, which recipient, withdrawal, retention. */
export function informationText(
  lang: Lang,
  school: School | undefined,
  student: Student,
  party: Party,
  purpose: Purpose,
  validUntil: string,
  retentionYears: number,
): string {
  const schoolName = school?.name ?? (lang === "nl" ? "de school" : "the school");
  const until = validUntil.slice(0, 10);
  if (lang === "en") {
    return [
      `Who we are: ${schoolName}${school ? ` (BRIN ${school.brin})` : ""}, the controller of your child's data.`,
      `Purpose: ${purpose.label}.`,
      `Which data: the information about ${fullName(student)} needed for this purpose (such as the support plan, observations and results); never the full student file.`,
      `Recipient: ${party.name}, who will use it only for this purpose${party.agreedChannel ? ` and receive it via ${party.agreedChannel}` : ""}.`,
      `Your consent is voluntary. You can withdraw it at any time, as easily as you give it, by replying to this message or contacting the school; withdrawal applies from that moment.`,
      `This consent is valid until ${until}. We keep the record of your consent for ${retentionYears} years after the processing ends, to be able to show it was lawful.`,
      `You have the right to access, correct and erase your child's data and to complain to the Autoriteit Persoonsgegevens.`,
    ].join("\n");
  }
  return [
    `Wie wij zijn: ${schoolName}${school ? ` (BRIN ${school.brin})` : ""}, verwerkingsverantwoordelijke voor de gegevens van uw kind.`,
    `Doel: ${purpose.label}.`,
    `Welke gegevens: de informatie over ${fullName(student)} die voor dit doel nodig is (zoals het ontwikkelingsperspectief, observaties en resultaten); nooit het volledige leerlingdossier.`,
    `Ontvanger: ${party.name}, die de gegevens alleen voor dit doel gebruikt${party.agreedChannel ? ` en ze ontvangt via ${party.agreedChannel}` : ""}.`,
    `Uw toestemming is vrijwillig. U kunt haar op elk moment even gemakkelijk intrekken als u haar geeft, door op dit bericht te antwoorden of contact op te nemen met de school; de intrekking geldt vanaf dat moment.`,
    `Deze toestemming geldt tot en met ${until}. Wij bewaren de registratie van uw toestemming tot ${retentionYears} jaar na afloop van de verwerking, om te kunnen aantonen dat deze rechtmatig was.`,
    `U hebt recht op inzage, correctie en verwijdering van de gegevens van uw kind en u kunt een klacht indienen bij de Autoriteit Persoonsgegevens.`,
  ].join("\n");
}

export class ConsentRequestService {
  constructor(
    private readonly storage: Storage,
    private readonly directory: DirectoryService,
  ) {}

  async create(p: Principal, input: { studentId: string; partyId: string; purposeId: string; lang?: Lang }): Promise<ConsentRequestRecord> {
    const snap = await this.directory.snapshot(p.tenantId);
    const student = snap.studentById.get(input.studentId);
    if (!student) throw notFound("Student");
    const party = snap.partyById.get(input.partyId);
    const purpose = snap.purposeById.get(input.purposeId);
    if (!party || !purpose) throw new AppError(422, "UNPROCESSABLE", "Party or purpose does not exist");
    const policy = policyFor(snap.directory, student.schoolId);
    const school = snap.directory.schools.find((s) => s.id === student.schoolId);
    const lang = input.lang ?? "nl";
    const now = new Date();
    const studentAlone = ageOn(student.birthDate, now) >= policy.studentConsentAge;
    const to = studentAlone ? [] : student.guardians.filter((g) => g.hasAuthority).flatMap((g) => g.emails.slice(0, 1));
    if (!studentAlone && to.length === 0)
      throw new AppError(422, "UNPROCESSABLE", "No guardian with parental authority has an email address in the register");
    const requestId = `r${randomBytes(5).toString("hex")}`;
    const informationShown = informationText(lang, school, student, party, purpose, defaultValidUntil(policy, now), policy.retention.consentYears);
    const subject =
      lang === "nl"
        ? `Toestemming gevraagd: ${purpose.label} (${party.name}) [ZV-${requestId}]`
        : `Consent requested: ${purpose.label} (${party.name}) [ZV-${requestId}]`;
    const intro =
      lang === "nl"
        ? `Beste ouder/verzorger,\n\nWij vragen uw toestemming om gegevens van ${student.givenName} te delen. Hieronder leest u precies wat dat inhoudt.\n\n`
        : `Dear parent/guardian,\n\nWe ask your consent to share information about ${student.givenName}. Below you can read exactly what that means.\n\n`;
    const outro =
      lang === "nl"
        ? `\n\nGeeft u toestemming? Antwoord dan op deze e-mail met "Ik geef toestemming". Weigert u, antwoord dan met "Ik geef geen toestemming". Laat de code [ZV-${requestId}] in het onderwerp staan.`
        : `\n\nDo you consent? Reply to this email with "I consent". If you do not, reply "I do not consent". Please keep the code [ZV-${requestId}] in the subject.`;
    const bodyText = intro + informationShown + outro;
    const bodyHtml = bodyText
      .split("\n\n")
      .map((para) => `<p>${esc(para).replace(/\n/g, "<br>")}</p>`)
      .join("");
    const rec: ConsentRequestRecord = {
      requestId,
      studentId: student.id,
      partyId: party.id,
      purposeId: purpose.id,
      to,
      subject,
      informationShown,
      bodyText,
      bodyHtml,
      lang,
      createdBy: p.userId,
      createdAt: now.toISOString(),
    };
    await this.storage.run("Meta", (t) =>
      t.createEntity({ partitionKey: key(p.tenantId, "request"), rowKey: requestId, data: JSON.stringify(rec) }),
    );
    return rec;
  }

  /**
   * Sends a request at most once: claims it with the record's ETag (a concurrent send gets 409), runs
   * `send`, and records the Internet Message-ID (the parent's reply refers to it). An already sent
   * request is returned as it is. A failed send releases the claim.
   */
  async sendOnce(p: Principal, requestId: string, send: (rec: ConsentRequestRecord) => Promise<string>): Promise<ConsentRequestRecord> {
    const pk = key(p.tenantId, "request");
    const e = await this.storage.getOrUndefined("Meta", pk, key(requestId));
    if (!e) throw notFound("Consent request");
    const rec = JSON.parse(String(e.data)) as ConsentRequestRecord;
    if (rec.messageId) return rec;
    if (rec.sendingSince && Date.now() - Date.parse(rec.sendingSince) < 120_000)
      throw new AppError(409, "CONFLICT", "This consent request is being sent right now", undefined, { "Retry-After": "5" });
    const claimed = { ...rec, sendingSince: new Date().toISOString() };
    await this.storage.run("Meta", (t) =>
      t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify(claimed) }, "Replace", { etag: String(e.etag) }),
    );
    let messageId: string;
    try {
      messageId = await send(rec);
    } catch (err) {
      await this.storage
        .run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify(rec) }, "Replace"))
        .catch(() => undefined);
      throw err;
    }
    const { sendingSince: _s, ...sent } = { ...claimed, messageId };
    await this.storage.run("Meta", (t) => t.updateEntity({ partitionKey: pk, rowKey: key(requestId), data: JSON.stringify(sent) }, "Replace"));
    return sent;
  }

  async get(p: Principal, requestId: string): Promise<ConsentRequestRecord> {
    const e = await this.storage.getOrUndefined("Meta", key(p.tenantId, "request"), key(requestId));
    if (!e) throw notFound("Consent request");
    return JSON.parse(String(e.data)) as ConsentRequestRecord;
  }
}

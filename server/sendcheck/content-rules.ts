import { fullName, type Party, type PartyKind, type Student } from "../directory/domain.js";
import type { Scan } from "../directory/detect.js";
import type { ReasonParams } from "./messages.js";
import { htmlToText, normalise, tokenize } from "../directory/normalise.js";
import type { AttachmentStatus, ReasonCode } from "../../contract/enums.js";

/**
 * The rules about what a mail contains rather than who it is about (DOMAIN.md section 5): homonyms, a
 * BSN, a complete student file, an attachment about nobody. Pure: `contentFacts` reads the mail once,
 * `contentFindings` judges one recipient against those facts. Each rule's comment is the rule.
 */

export interface MailContent {
  subject: string;
  body: string;
  attachments: { name: string }[];
}

/** One attachment of the mail: whether its contents were read, and what was found in them (attachments.ts). */
export interface AttachmentFinding {
  name: string;
  status: AttachmentStatus;
  /** Why it could not be read (encrypted, no-text, unsupported, ...). */
  reason?: string;
  /** A cloud attachment's link. */
  url?: string;
  /** Students recognised in its contents. */
  studentIds: string[];
  /** A BSN stands in its contents. */
  bsn?: boolean;
}

/** What the content rules need to know about one mail; no mail text is kept in it. */
export interface ContentFacts {
  /** Each unresolved homonym: the students it may be, as "Daan de Boer (5b)", sorted. */
  homonyms: string[][];
  /** A BSN stands in the subject or body. */
  bsn: boolean;
  /** Names of attachments that look like a complete student file. */
  wholeFiles: string[];
  /** Names of attachments of a mail in which no student is recognised. */
  attachmentsAboutNobody: string[];
  /** Attachments whose contents could not be read: why, and a cloud attachment's link. */
  unreadAttachments: { name: string; why: string; url?: string }[];
}

/** A recipient as the content rules see it. */
export interface ContentRecipient {
  kind: "internal" | "guardian" | "party" | "unknown" | "student";
  party?: Pick<Party, "name" | "kind" | "defaultBasis">;
}

export interface ContentFinding {
  verdict: "warn" | "block";
  code: ReasonCode;
  params: ReasonParams;
}

// ---------------------------------------------------------------------------------------------------
// BSN

/** Words that label a BSN or PGN ("BSN", "BSN-nummer", "burgerservicenummer", "sofinummer", "PGN"). */
const BSN_LABELS = new Set([
  "bsn", "burgerservicenummer", "burgerservicenr", "sofinummer", "sofinr", "sofi", "pgn", "persoonsgebonden", "persoonsgebondennummer",
]);
/** Words that may follow a label in a column heading ("BSN nr", "PGN-nummer"). */
const LABEL_TAIL = new Set(["nummer", "nr", "no"]);
/** How far (in words) a label may stand before the number ("BSN van de leerling: ...") or after it. */
const LABEL_BEFORE = 4;
const LABEL_AFTER = 2;

/**
 * The eleven-test (elfproef) of a BSN: 9 digits d1..d9 with 9·d1 + 8·d2 + ... + 2·d8 − d9 divisible by
 * 11 (and not all zeros).
 */
export function passesElevenTest(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let k = 0; k < 8; k++) sum += (9 - k) * Number(digits[k]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

/** Numbers of 9 digits in a token list, also written in groups ("1234.56.782", "123 456 782"): [start, end). */
function nineDigitNumbers(tokens: readonly string[]): { start: number; end: number; digits: string }[] {
  const out: { start: number; end: number; digits: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let digits = "";
    for (let j = i; j < Math.min(tokens.length, i + 3); j++) {
      const t = tokens[j] ?? "";
      if (!/^\d+$/.test(t)) break;
      digits += t;
      if (digits.length > 9) break;
      if (digits.length === 9) {
        out.push({ start: i, end: j + 1, digits });
        break;
      }
    }
  }
  return out;
}

/** Whether a table cell is a BSN heading: only label words ("BSN", "BSN-nummer", "Burgerservicenummer"). */
function isLabelCell(cell: string): boolean {
  const words = tokenize(cell);
  return words.some((w) => BSN_LABELS.has(w)) && words.every((w) => BSN_LABELS.has(w) || LABEL_TAIL.has(w));
}

const CELL_SEPARATOR = /[\t;|,]/;
/** A cheap test before a line's cells are read as a heading. */
const LABEL_HINT = /bsn|burgerservice|sofi|pgn|persoonsgebonden/i;

/** A column headed by a BSN label, in rows of cells (tabs of an HTML table, or ";", "|", "," of a list). */
function bsnInColumn(text: string): boolean {
  let column = -1;
  for (const line of text.split("\n")) {
    if (line.trim().length === 0) {
      column = -1; // a table ends at an empty line
      continue;
    }
    const cells = line.split(CELL_SEPARATOR);
    const heading = LABEL_HINT.test(line) ? cells.findIndex(isLabelCell) : -1;
    if (heading !== -1) {
      column = heading;
      continue;
    }
    const cell = column === -1 ? undefined : cells[column];
    if (cell !== undefined && passesElevenTest(cell.replace(/[\s.-]/g, ""))) return true;
  }
  return false;
}

/**
 * A BSN (or PGN) is a 9-digit number that passes the eleven-test and stands next to its label ("BSN",
 * "burgerservicenummer", "sofinummer", "PGN": up to four words before it or two after) or in a column so
 * headed. A bare 9-digit number is not enough: order and case numbers pass the test by chance one time
 * in eleven. `text` is reduced with `htmlToText` first.
 */
export function containsBsn(text: string): boolean {
  const plain = htmlToText(text);
  if (!/\d/.test(plain)) return false;
  const tokens = normalise(plain).split(" ");
  for (const n of nineDigitNumbers(tokens)) {
    if (!passesElevenTest(n.digits)) continue;
    const near = tokens.slice(Math.max(0, n.start - LABEL_BEFORE), n.start).concat(tokens.slice(n.end, n.end + LABEL_AFTER));
    if (near.some((w) => BSN_LABELS.has(w))) return true;
  }
  return bsnInColumn(plain);
}

// ---------------------------------------------------------------------------------------------------
// Attachments

/** Word parts that name a complete student file: "leerlingdossier", "volledig dossier", an export. */
const WHOLE_FILE = /leerling(en)?dossier|(volledige?|compleete?|complete|totaal|heel|hele)dossier|dossier(volledig|compleet)|export/;

/**
 * An attachment looks like a complete student file when its name says so: "leerlingdossier",
 * "volledig dossier", "compleet dossier", "totaaldossier", or an export ("export_ParnasSys.csv").
 */
export function looksLikeWholeFile(attachmentName: string): boolean {
  return WHOLE_FILE.test(normalise(attachmentName).replace(/ /g, ""));
}

/** Parties whose work is care for the student (not Veilig Thuis: advice there is asked without a name). */
const CARE_PARTIES: ReadonlySet<PartyKind> = new Set<PartyKind>(["swv", "ggd", "smw", "wijkteam", "specialist"]);

// ---------------------------------------------------------------------------------------------------
// Facts and findings

/**
 * Reads a mail once for the content rules. `scan` is the detector's answer for the same mail (subject,
 * body, attachment names); `attachments` what became of the attachments' contents (absent: only their
 * names were checked). An attachment whose contents were not read is named by the unreadable rule
 * instead of the about-nobody rule, so it is not warned about twice. `bsn`: whether the body and subject
 * hold a BSN, when the text reader already knows (absent: looked for here).
 */
export function contentFacts(
  mail: MailContent,
  scan: Scan,
  students: ReadonlyMap<string, Student>,
  attachments: readonly AttachmentFinding[] = [],
  bsn?: boolean,
): ContentFacts {
  const describe = (id: string): string => {
    const s = students.get(id);
    return s ? `${fullName(s)} (${s.className})` : id;
  };
  const unread = attachments.filter((a) => a.status !== "read" && a.studentIds.length === 0);
  const unreadNames = new Set(unread.map((a) => a.name));
  const aboutNobody = scan.students.length === 0 && scan.ambiguous.length === 0 && attachments.every((a) => a.studentIds.length === 0);
  return {
    homonyms: scan.ambiguous.map((a) => a.candidates.map(describe).sort()),
    bsn: (bsn ?? (containsBsn(mail.subject) || containsBsn(mail.body))) || attachments.some((a) => a.bsn === true),
    wholeFiles: mail.attachments.map((a) => a.name).filter(looksLikeWholeFile),
    attachmentsAboutNobody: aboutNobody ? mail.attachments.map((a) => a.name).filter((n) => !unreadNames.has(n)) : [],
    unreadAttachments: unread.map((a) => ({
      name: a.name,
      why: a.status === "cloud" ? "cloud" : (a.reason ?? a.status),
      ...(a.url ? { url: a.url } : {}),
    })),
  };
}

/**
 * A name that fits two or more students (a homonym, not resolved by a student number or class in the
 * mail) is not a misdirected mail: for every recipient outside the school the check warns and asks for
 * the student number or the class.
 */
export function homonymRule(r: ContentRecipient, facts: ContentFacts): ContentFinding[] {
  if (r.kind === "internal") return [];
  return facts.homonyms.map((candidates) => ({ verdict: "warn", code: "AMBIGUOUS_STUDENT", params: { candidates } }));
}

/**
 * The statutory school-to-school transfer (art. 42 WPO, UAVG art. 46): a new school on a legal basis.
 */
export function isStatutoryTransfer(party: ContentRecipient["party"]): boolean {
  return party !== undefined && (party.kind === "new-school-primary" || party.kind === "new-school-secondary") && party.defaultBasis === "legal";
}

/** A BSN in the mail is blocked for every recipient except DUO and the statutory school transfer. */
export function bsnRule(r: ContentRecipient, facts: ContentFacts): ContentFinding[] {
  if (!facts.bsn) return [];
  if (r.kind === "party" && (r.party?.kind === "duo" || isStatutoryTransfer(r.party))) return [];
  return [{ verdict: "block", code: "BSN_IN_MAIL", params: {} }];
}

/**
 * An attachment that looks like a complete student file, sent to an outside party, is a warning (data
 * minimisation), whether or not there is consent or a legal basis.
 */
export function wholeFileRule(r: ContentRecipient, facts: ContentFacts): ContentFinding[] {
  if (r.kind !== "party") return [];
  return facts.wholeFiles.map((attachment) => ({ verdict: "warn", code: "WHOLE_FILE", params: { attachment, party: r.party?.name } }));
}

/**
 * An attachment of a mail in which no student is recognised, sent to an outside care party (SWV, GGD,
 * school social work, wijkteam, specialist), is a warning asking which student it concerns.
 */
export function attachmentAboutNobodyRule(r: ContentRecipient, facts: ContentFacts): ContentFinding[] {
  const kind = r.party?.kind;
  if (r.kind !== "party" || kind === undefined || !CARE_PARTIES.has(kind)) return [];
  return facts.attachmentsAboutNobody.map((attachment) => ({
    verdict: "warn",
    code: "ATTACHMENT_WITHOUT_STUDENT",
    params: { attachment, party: r.party?.name },
  }));
}

/**
 * An attachment whose contents could not be read (encrypted, a scan, over the cap, a cloud link, an
 * upload that failed) counts as one with no recognisable student: sent to a party outside the school
 * (a processor excepted: it is no recipient of care reports anyway) or to an unknown address, it is a
 * warning that names the attachment, why it was not read, and a cloud attachment's link.
 */
export function unreadableAttachmentRule(r: ContentRecipient, facts: ContentFacts): ContentFinding[] {
  const outside = (r.kind === "party" && r.party?.kind !== "processor") || r.kind === "unknown";
  if (!outside) return [];
  return facts.unreadAttachments.map((a) => ({
    verdict: "warn",
    code: "ATTACHMENT_UNREADABLE",
    params: { attachment: a.name, why: a.why, ...(a.url ? { url: a.url } : {}) },
  }));
}

/** Every content rule for one recipient; none when the mail has no content facts. */
export function contentFindings(r: ContentRecipient, facts: ContentFacts | undefined): ContentFinding[] {
  if (!facts) return [];
  return [
    ...bsnRule(r, facts),
    ...homonymRule(r, facts),
    ...wholeFileRule(r, facts),
    ...attachmentAboutNobodyRule(r, facts),
    ...unreadableAttachmentRule(r, facts),
  ];
}

import type { Student } from "./domain.js";
import { AhoCorasick, type Match } from "./aho-corasick.js";
import { BOUNDARY, normalise, textTokens, tokenize } from "./normalise.js";

/**
 * Student detection: which students of the directory a mail (subject, body, attachment names) is about,
 * with names as Dutch people write them (DOMAIN.md section 5). Every way of writing a student is a token
 * sequence; one Aho-Corasick automaton over all of them, built once per directory, finds them all in one
 * pass over each text (`textTokens`: HTML reduced to text, sentence boundaries kept). Then each place in
 * the text is resolved: one student, or a homonym (several students fit) that a student number or a
 * class elsewhere in the mail may resolve.
 *
 * Ways of writing a student (never a first name alone, never a family name alone):
 * - the full name, given first ("Noor van der Berg"), family first ("van der Berg, Noor") or in register
 *   order ("Berg, Noor van der"); with the particle abbreviated ("v.d.", "vd", "v/d", "v."); possessive
 *   ("Sem Bakkers moeder"; an exact name at the same place wins over a possessive);
 * - an initial with the family name ("N. van der Berg", "N. vd Berg"), the initial written as a capital
 *   and not after a title ("Dhr. B. Bakker", "Geachte mevrouw E. de Vries" address adults);
 * - a first name with the class ("Daan uit 5b", "Daan (groep 7)", "Daan in klas 5b");
 * - an alias (another full name, a roepnaam with the family name, a double family name with the given
 *   name), and the student number (at least 4 characters, a whole token).
 */

export { normalise, tokenize } from "./normalise.js";

export type MatchedBy = "name" | "alias" | "studentNumber" | "initials" | "firstNameAndClass";

export interface DetectedStudent {
  studentId: string;
  matchedBy: MatchedBy;
}

/** A place in the mail that fits several students: the check cannot tell which one is meant. */
export interface Ambiguity {
  /** The students it fits (at least two), in directory order. */
  candidates: string[];
  matchedBy: MatchedBy;
}

export interface Scan {
  /** One entry per student found, in order of first appearance (texts in the given order). */
  students: DetectedStudent[];
  /** Homonyms not resolved by a student number or class in the mail; one entry per set of candidates. */
  ambiguous: Ambiguity[];
}

/** Dutch (and some foreign) name particles: an alias that starts with one is a family name. */
const PARTICLES = new Set([
  "van", "de", "der", "den", "het", "t", "ten", "ter", "te", "in", "op", "la", "le", "d", "l", "du", "des",
  "von", "zu", "vd", "v", "el", "al", "di", "da", "del", "dos", "uit", "aan", "onder", "bij", "over", "s",
]);

/** Student numbers shorter than this are too likely to occur by chance; they are not matched. */
const MIN_STUDENT_NUMBER_LENGTH = 4;

/** A word that may stand between a first name and the class: "Daan uit 5b", "Daan in klas 5b" ("Daan (groep 7)" has none). */
const CLASS_CONNECTORS = new Set(["uit", "in", "van"]);

type PatternValue =
  | {
      kind: "student";
      student: number;
      matchedBy: MatchedBy;
      /** At one place the lowest rank wins: 0 as written, 1 possessive. */
      rank: number;
    }
  | { kind: "class"; classKey: string };

const PREFERENCE: Record<MatchedBy, number> = { name: 0, alias: 1, initials: 2, firstNameAndClass: 3, studentNumber: 4 };

/**
 * How people shorten a particle: "van der", "van den", "van de" -> "vd" (`textTokens` reads "v.d.", "v/d"
 * and "v.d" as "vd" too); "van" -> "v" ("v. Dijk").
 */
function abbreviated(particle: string[]): string[] | undefined {
  const [first, second] = particle;
  if (first !== "van") return undefined;
  if (particle.length === 1) return ["v"];
  if (particle.length === 2 && (second === "der" || second === "den" || second === "de")) return ["vd"];
  return undefined;
}

/** The possessive of a name's last word: "bakker" -> "bakkers"; none after s, x or z ("Thomas' moeder"). */
function possessive(tokens: string[]): string[] | undefined {
  const last = tokens[tokens.length - 1];
  if (last === undefined || /[sxz]$/.test(last) || /^\d/.test(last)) return undefined;
  return [...tokens.slice(0, -1), `${last}s`];
}

interface Form {
  tokens: string[];
  /** Given first: may take a possessive "s". */
  givenFirst: boolean;
}

/**
 * Token sequences for a name written either way: "given [particle] family", "[particle] family, given"
 * and the register order "family, given particle" (commas are separators, so they need no token); the
 * first two also with the particle shortened ("Noor vd Berg", "v.d. Berg, Noor").
 */
function nameForms(given: string[], particle: string[], family: string[]): Form[] {
  if (given.length === 0 || family.length === 0) return [];
  const forms: Form[] = [
    { tokens: [...given, ...particle, ...family], givenFirst: true },
    { tokens: [...particle, ...family, ...given], givenFirst: false },
  ];
  if (particle.length > 0) forms.push({ tokens: [...family, ...given, ...particle], givenFirst: false });
  const short = abbreviated(particle);
  if (short) forms.push({ tokens: [...given, ...short, ...family], givenFirst: true }, { tokens: [...short, ...family, ...given], givenFirst: false });
  return forms;
}

/** Splits a family-name alias ("van der Berg-Yilmaz") into its particle and the rest. */
function splitParticle(tokens: string[]): { particle: string[]; family: string[] } {
  let i = 0;
  while (i < tokens.length - 1 && PARTICLES.has(tokens[i] ?? "")) i++;
  return { particle: tokens.slice(0, i), family: tokens.slice(i) };
}

/**
 * The family names of one alias, or its own forms. An alias is one of:
 * - a roepnaam (one word): matched with the family name ("Jantje de Vries");
 * - a family name (starts with a particle or with the student's family name, or is a hyphenated name
 *   containing it: "van der Berg-Yilmaz", "Vries-Bakker"): matched with the given name, never alone;
 * - otherwise a full other name ("Jantje de Vries", "Mo El Amrani"): matched as written.
 */
function aliasForms(alias: string, given: string[], particle: string[], family: string[]): { forms: Form[]; familyName?: { particle: string[]; family: string[] } } {
  const tokens = tokenize(alias);
  if (tokens.length === 0) return { forms: [] };
  if (tokens.length === 1) return { forms: nameForms(tokens, particle, family) };
  const familyText = family.join(" ");
  const isFamilyName =
    PARTICLES.has(tokens[0] ?? "") ||
    tokens[0] === family[0] ||
    (alias.includes("-") && ` ${tokens.join(" ")} `.includes(` ${familyText} `) && tokens[0] !== given[0]);
  if (isFamilyName) {
    const split = splitParticle(tokens);
    return { forms: nameForms(given, split.particle, split.family), familyName: split };
  }
  return { forms: [{ tokens, givenFirst: true }] };
}

/** The capital initials of a given name: "Noor" -> ["N"]; "Anne Sophie" -> ["A"] and ["A", "S"]. */
function initials(given: string[]): string[][] {
  const letters = given.map((g) => g.charAt(0).toUpperCase()).filter((c) => /^\p{L}$/u.test(c));
  if (letters.length === 0) return [];
  const first = letters.slice(0, 1);
  return letters.length > 1 ? [first, letters] : [first];
}

/** A class as written: its own words, "klas ..." before a bare class ("5b"), a single letter also as a capital. */
function classVariants(className: string): string[][] {
  const tokens = tokenize(className);
  if (tokens.length === 0) return [];
  const out = [tokens];
  if (tokens[0] !== "groep" && tokens[0] !== "klas") out.push(["klas", ...tokens]);
  if (tokens.some((t) => t.length === 1 && /\p{L}/u.test(t))) {
    for (const v of [...out]) out.push(v.map((t) => (t.length === 1 ? t.toUpperCase() : t)));
  }
  return out;
}

/** The key a class is known by in the mail (its normalised name). */
const classKey = (className: string): string => normalise(className);

interface StudentPattern {
  tokens: string[];
  value: PatternValue;
}

/** All patterns of a student, deduplicated (the lowest rank kept). `tokens` may be a cached `tokenize`. */
function studentPatterns(student: Student, index: number, tokens: (text: string) => string[] = tokenize): StudentPattern[] {
  const given = tokens(student.givenName);
  const particle = tokens(student.tussenvoegsel ?? "");
  const family = tokens(student.familyName);
  const seen = new Map<string, StudentPattern>();
  const add = (t: string[], matchedBy: MatchedBy, rank: number) => {
    if (t.length === 0) return;
    const key = t.join(" ");
    const before = seen.get(key);
    if (before && before.value.kind === "student" && before.value.rank <= rank) return;
    seen.set(key, { tokens: t, value: { kind: "student", student: index, matchedBy, rank } });
  };
  const addForms = (forms: Form[], matchedBy: MatchedBy) => {
    for (const f of forms) {
      add(f.tokens, matchedBy, 0);
      const p = f.givenFirst ? possessive(f.tokens) : undefined;
      if (p) add(p, matchedBy, 1);
    }
  };
  addForms(nameForms(given, particle, family), "name");
  const families = [{ particle, family }];
  for (const alias of student.aliases) {
    const a = aliasForms(alias, given, particle, family);
    addForms(a.forms, "alias");
    if (a.familyName) families.push(a.familyName);
  }
  // Initials are written given first only ("N. van der Berg", "N. vd Berg").
  for (const init of initials(given)) {
    for (const f of families) addForms(nameForms(init, f.particle, f.family).filter((x) => x.givenFirst), "initials");
  }
  const number = tokens(student.studentNumber);
  if (number.length === 1 && (number[0] ?? "").length >= MIN_STUDENT_NUMBER_LENGTH) add(number, "studentNumber", 0);
  return [...seen.values()];
}

/** Titles and forms of address: "Dhr. B. Bakker" is an adult (a parent, a doctor), not the student B. Bakker. */
const TITLES = new Set([
  "dhr", "heer", "mevr", "mw", "mevrouw", "meneer", "mr", "dr", "drs", "ir", "ing", "prof", "juf", "juffrouw", "meester", "fam", "familie",
  "mrs", "ms", "sir", "madam", "geachte", "beste",
]);

/** Whether the initial at `start` follows a title ("Dhr. B. Bakker", "mevrouw E. de Vries"). */
function addressed(tokens: readonly string[], start: number): boolean {
  const before = tokens[start - 1] === BOUNDARY ? tokens[start - 2] : tokens[start - 1];
  return before !== undefined && TITLES.has(before);
}

/** The schools a sender works for: "all" (the board) or these school ids. */
export type SenderSchools = "all" | readonly string[];

interface Place {
  order: number;
  start: number;
  end: number;
  /** Student indexes that fit here at the best rank. */
  candidates: number[];
  matchedBy: MatchedBy;
}

/** Groups a text's student matches by place, drops places inside a longer one, keeps the best rank. */
function places(matches: Match<PatternValue>[], order: number): Place[] {
  const bySpan = new Map<string, { start: number; end: number; rank: number; matchedBy: MatchedBy; candidates: number[] }>();
  for (const m of matches) {
    const v = m.value;
    if (v.kind !== "student") continue;
    const key = `${m.start}:${m.end}`;
    const p = bySpan.get(key);
    if (!p || v.rank < p.rank) {
      bySpan.set(key, { start: m.start, end: m.end, rank: v.rank, matchedBy: v.matchedBy, candidates: [v.student] });
    } else if (v.rank === p.rank && !p.candidates.includes(v.student)) {
      p.candidates.push(v.student);
      if (PREFERENCE[v.matchedBy] < PREFERENCE[p.matchedBy]) p.matchedBy = v.matchedBy;
    }
  }
  const sorted = [...bySpan.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Place[] = [];
  let maxEnd = -1;
  for (const p of sorted) {
    if (p.end <= maxEnd) continue; // inside a longer place ("Noor van der Berg" in "Noor van der Berg-Yilmaz")
    maxEnd = p.end;
    out.push({ order: order + p.start, start: p.start, end: p.end, candidates: p.candidates.sort((a, b) => a - b), matchedBy: p.matchedBy });
  }
  return out;
}

/** Finds students in texts. Build once per directory version; `scan` is cheap. */
export class StudentDetector {
  private readonly ids: string[];
  private readonly classes: string[];
  private readonly schools: string[];
  private readonly automaton: AhoCorasick<PatternValue>;
  /** Class key -> given name (its tokens joined) -> the students of that class with that given name. */
  private readonly byClassAndGiven = new Map<string, Map<string, number[]>>();
  /** The most tokens of any given name. */
  private readonly longestGiven: number;

  constructor(students: readonly Student[]) {
    this.ids = students.map((s) => s.id);
    this.classes = students.map((s) => classKey(s.className));
    this.schools = students.map((s) => s.schoolId);
    // Given names, particles, family names and classes repeat: normalise each distinct one once.
    const cache = new Map<string, string[]>();
    const cachedTokenize = (text: string): string[] => {
      let t = cache.get(text);
      if (!t) {
        t = tokenize(text);
        cache.set(text, t);
      }
      return t;
    };
    const classPatterns = new Map<string, StudentPattern>();
    let longestGiven = 0;
    students.forEach((s, i) => {
      const key = classKey(s.className);
      for (const c of classVariants(s.className)) classPatterns.set(c.join(" "), { tokens: c, value: { kind: "class", classKey: key } });
      const given = cachedTokenize(s.givenName);
      longestGiven = Math.max(longestGiven, given.length);
      let byGiven = this.byClassAndGiven.get(key);
      if (!byGiven) this.byClassAndGiven.set(key, (byGiven = new Map()));
      const list = byGiven.get(given.join(" "));
      if (list) list.push(i);
      else byGiven.set(given.join(" "), [i]);
    });
    this.longestGiven = longestGiven;
    this.automaton = new AhoCorasick<PatternValue>([
      ...students.flatMap((s, i) => studentPatterns(s, i, cachedTokenize)),
      ...classPatterns.values(),
    ]);
  }

  /** Students found, one entry each, in order of first appearance; homonyms are left out (see `scan`). */
  detect(texts: string[]): DetectedStudent[] {
    return this.scan(texts).students;
  }

  /**
   * The students a mail names, and the homonyms it cannot resolve. A place that fits several students
   * is resolved when one of them is named unambiguously elsewhere in the mail (by student number, say),
   * or when exactly one of them is in a class the mail mentions ("groep 7", "5b").
   */
  scan(texts: string[], senderSchools?: SenderSchools): Scan {
    return this.scanTokens(texts.map(textTokens), senderSchools);
  }

  /**
   * `scan` over texts already read by `textTokens` (the send check reads large mails in a worker thread).
   * `senderSchools`: the schools the sender works for ("all" or absent: the whole board). Initials with
   * the family name and a first name with the class count when unique among the students of those
   * schools (DOMAIN.md section 5): "N. van der Berg" from a coordinator of De Akker is De Akker's Noor,
   * even when another school of the board has an N. van der Berg, and "Daan uit 5b" is the Daan of the
   * sender's 5b. A full name matching students at two schools stays a homonym.
   */
  scanTokens(texts: readonly (readonly string[])[], senderSchools?: SenderSchools): Scan {
    const all: Place[] = [];
    const mentionedClasses = new Set<string>();
    let offset = 0;
    for (const tokens of texts) {
      const matches = this.automaton.search(tokens);
      const withClass: Match<PatternValue>[] = [];
      for (const m of matches) {
        if (m.value.kind !== "class") continue;
        mentionedClasses.add(m.value.classKey);
        withClass.push(...this.firstNameBefore(tokens, m.start, m.end, m.value.classKey));
      }
      const named = matches.filter((m) => !(m.value.kind === "student" && m.value.matchedBy === "initials" && addressed(tokens, m.start)));
      all.push(...places(named.concat(withClass), offset));
      offset += tokens.length + 1;
    }

    const found = new Map<number, { order: number; matchedBy: MatchedBy }>();
    const pending: Place[] = [];
    for (const p of all) {
      const [only] = p.candidates;
      if (p.candidates.length === 1 && only !== undefined) {
        if (!found.has(only)) found.set(only, { order: p.order, matchedBy: p.matchedBy });
      } else pending.push(p);
    }
    const ambiguous = new Map<string, Place>();
    const mine = (candidates: number[]): number[] =>
      senderSchools === undefined || senderSchools === "all" ? candidates : candidates.filter((c) => senderSchools.includes(this.schools[c] ?? ""));
    for (const p of pending) {
      if (p.candidates.some((c) => found.has(c))) continue; // "Daan de Boer (123456)"
      const [ownOnly, ...otherOwn] = p.matchedBy === "initials" || p.matchedBy === "firstNameAndClass" ? mine(p.candidates) : [];
      if (ownOnly !== undefined && otherOwn.length === 0) {
        if (!found.has(ownOnly)) found.set(ownOnly, { order: p.order, matchedBy: p.matchedBy });
        continue;
      }
      const inClass = p.candidates.filter((c) => mentionedClasses.has(this.classes[c] ?? ""));
      const [resolved] = inClass;
      if (inClass.length === 1 && resolved !== undefined) {
        if (!found.has(resolved)) found.set(resolved, { order: p.order, matchedBy: p.matchedBy });
        continue;
      }
      const key = p.candidates.join(",");
      if (!ambiguous.has(key)) ambiguous.set(key, p);
    }
    // A homonym resolved by a later place ("Daan de Boer ... Daan uit 5b") is no longer open.
    const open = [...ambiguous.values()]
      .filter((p) => !p.candidates.some((c) => found.has(c)))
      .map((p): Ambiguity => ({ candidates: p.candidates.map((c) => this.ids[c] ?? ""), matchedBy: p.matchedBy }));
    const students = [...found.entries()]
      .sort((a, b) => a[1].order - b[1].order)
      .map(([i, f]) => ({ studentId: this.ids[i] ?? "", matchedBy: f.matchedBy }));
    return { students, ambiguous: open };
  }

  /**
   * "Daan uit 5b", "Daan (groep 7)": the students of the class mentioned at [start, end) whose given
   * name stands just before it (a connector such as "uit" may come between). Several students with that
   * name in the class make it a homonym.
   */
  private firstNameBefore(tokens: readonly string[], start: number, end: number, key: string): Match<PatternValue>[] {
    const byGiven = this.byClassAndGiven.get(key);
    if (!byGiven) return [];
    const at = CLASS_CONNECTORS.has(tokens[start - 1] ?? "") ? start - 1 : start;
    for (let length = Math.min(this.longestGiven, at); length >= 1; length--) {
      const students = byGiven.get(tokens.slice(at - length, at).join(" "));
      if (students) {
        return students.map((student) => ({
          start: at - length,
          end,
          value: { kind: "student", student, matchedBy: "firstNameAndClass", rank: 0 },
        }));
      }
    }
    return [];
  }
}

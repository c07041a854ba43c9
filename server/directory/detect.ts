import type { Student } from "./domain.js";
import { AhoCorasick } from "./aho-corasick.js";

/**
 * Student detection: which students of the directory a mail (subject, body, attachment names) is about.
 * Names are matched as whole token sequences after normalisation, in one pass over each text with an
 * Aho-Corasick automaton built once over all students' patterns.
 */

export type MatchedBy = "name" | "alias" | "studentNumber";

export interface DetectedStudent {
  studentId: string;
  matchedBy: MatchedBy;
}

/** Letters that Unicode decomposition does not reduce to a base letter plus marks. */
const FOLD: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

const NAMED_LETTERS: Readonly<Record<string, string>> = { szlig: "ss", aelig: "ae", oelig: "oe", eth: "d", thorn: "th" };

/**
 * HTML character references that survive in mail bodies ("Zo&euml;", "Jan&nbsp;de&nbsp;Vries"): numeric
 * ones are decoded, an accented letter becomes its base letter (accents are dropped anyway), others a space.
 */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
    }
    const accented = /^([a-z])(uml|acute|grave|circ|tilde|ring|cedil|slash)$/i.exec(ref);
    if (accented) return accented[1] ?? " ";
    return NAMED_LETTERS[ref.toLowerCase()] ?? " ";
  });
}

/**
 * Lower case, without diacritics ("Zoë" -> "zoe", "ĳ" -> "ij"), every run of characters that are not a
 * letter or digit (spaces, NBSP, tabs, newlines, `_ - . ,` ...) replaced by one space, trimmed. HTML
 * character references are decoded first; HTML tags are not removed (callers pass text bodies).
 */
export function normalise(text: string): string {
  return decodeEntities(text)
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[ßæœøłđðþı]/g, (c) => FOLD[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The tokens (words and numbers) of a text after normalisation. */
export function tokenize(text: string): string[] {
  const n = normalise(text);
  return n.length === 0 ? [] : n.split(" ");
}

/** Dutch (and some foreign) name particles: an alias that starts with one is a family name. */
const PARTICLES = new Set([
  "van", "de", "der", "den", "het", "t", "ten", "ter", "te", "in", "op", "la", "le", "d", "l", "du", "des",
  "von", "zu", "vd", "v", "el", "al", "di", "da", "del", "dos", "uit", "aan", "onder", "bij", "over", "s",
]);

/** Student numbers shorter than this are too likely to occur by chance; they are not matched. */
const MIN_STUDENT_NUMBER_LENGTH = 4;

interface PatternValue {
  student: number;
  matchedBy: MatchedBy;
}

const PREFERENCE: Record<MatchedBy, number> = { name: 0, alias: 1, studentNumber: 2 };

/**
 * Token sequences for a name written either way: "given [particle] family", "[particle] family, given"
 * and the register order "family, given particle" (commas are separators, so they need no token).
 */
function nameForms(given: string[], particle: string[], family: string[]): string[][] {
  if (given.length === 0 || family.length === 0) return [];
  const forms = [
    [...given, ...particle, ...family],
    [...particle, ...family, ...given],
  ];
  if (particle.length > 0) forms.push([...family, ...given, ...particle]);
  return forms;
}

/** Splits a family-name alias ("van der Berg-Yilmaz") into its particle and the rest. */
function splitParticle(tokens: string[]): { particle: string[]; family: string[] } {
  let i = 0;
  while (i < tokens.length - 1 && PARTICLES.has(tokens[i] ?? "")) i++;
  return { particle: tokens.slice(0, i), family: tokens.slice(i) };
}

/**
 * The patterns of one alias. An alias is one of:
 * - a roepnaam (one word): matched with the family name ("Jantje de Vries");
 * - a family name (starts with a particle or with the student's family name, or is a hyphenated name
 *   containing it: "van der Berg-Yilmaz", "Vries-Bakker"): matched with the given name, never alone;
 * - otherwise a full other name ("Jantje de Vries", "Mo El Amrani"): matched as written.
 */
function aliasForms(alias: string, given: string[], particle: string[], family: string[]): string[][] {
  const tokens = tokenize(alias);
  if (tokens.length === 0) return [];
  if (tokens.length === 1) return nameForms(tokens, particle, family);
  const familyText = family.join(" ");
  const isFamilyName =
    PARTICLES.has(tokens[0] ?? "") ||
    tokens[0] === family[0] ||
    (alias.includes("-") && ` ${tokens.join(" ")} `.includes(` ${familyText} `) && tokens[0] !== given[0]);
  if (isFamilyName) {
    const split = splitParticle(tokens);
    return nameForms(given, split.particle, split.family);
  }
  return [tokens];
}

/** All patterns of a student, deduplicated. `tokens` may be a cached `tokenize`. */
function studentPatterns(
  student: Student,
  index: number,
  tokens: (text: string) => string[] = tokenize,
): { tokens: string[]; value: PatternValue }[] {
  const given = tokens(student.givenName);
  const particle = tokens(student.tussenvoegsel ?? "");
  const family = tokens(student.familyName);
  const seen = new Set<string>();
  const out: { tokens: string[]; value: PatternValue }[] = [];
  const add = (tokens: string[], matchedBy: MatchedBy) => {
    const key = tokens.join(" ");
    if (tokens.length === 0 || seen.has(key)) return;
    seen.add(key);
    out.push({ tokens, value: { student: index, matchedBy } });
  };
  for (const f of nameForms(given, particle, family)) add(f, "name");
  for (const alias of student.aliases) for (const f of aliasForms(alias, given, particle, family)) add(f, "alias");
  const number = tokens(student.studentNumber);
  if (number.length === 1 && (number[0] ?? "").length >= MIN_STUDENT_NUMBER_LENGTH) add(number, "studentNumber");
  return out;
}

/** Finds students in texts. Build once per directory version; `detect` is cheap. */
export class StudentDetector {
  private readonly ids: string[];
  private readonly automaton: AhoCorasick<PatternValue>;

  constructor(students: Student[]) {
    this.ids = students.map((s) => s.id);
    // Given names, particles and family names repeat: normalise each distinct one once.
    const cache = new Map<string, string[]>();
    const cachedTokenize = (text: string): string[] => {
      let t = cache.get(text);
      if (!t) {
        t = tokenize(text);
        cache.set(text, t);
      }
      return t;
    };
    this.automaton = new AhoCorasick(students.flatMap((s, i) => studentPatterns(s, i, cachedTokenize)));
  }

  /** One entry per student found, in order of first appearance (texts in the given order). */
  detect(texts: string[]): DetectedStudent[] {
    const found = new Map<number, DetectedStudent>();
    for (const text of texts) {
      const matches = this.automaton
        .search(tokenize(text))
        // Earliest first; at the same start the longest (most specific) match says how it was found.
        .sort(
          (a, b) =>
            a.start - b.start || b.end - a.end || PREFERENCE[a.value.matchedBy] - PREFERENCE[b.value.matchedBy],
        );
      for (const m of matches) {
        const studentId = this.ids[m.value.student];
        if (studentId === undefined || found.has(m.value.student)) continue;
        found.set(m.value.student, { studentId, matchedBy: m.value.matchedBy });
      }
    }
    return [...found.values()];
  }
}

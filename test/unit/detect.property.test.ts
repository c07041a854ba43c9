import assert from "node:assert/strict";
import fc from "fast-check";
import type { Student } from "../../server/directory/domain.js";
import { StudentDetector } from "../../server/directory/detect.js";
import { normalise } from "../../server/directory/normalise.js";

/**
 * Property tests of the detector (issue 13, DOMAIN.md section 5): generated boards with homonyms, family
 * names that are ordinary words (de Boer, Bakker, Visser), particles that shorten to the same "vd", shared
 * initials and diacritics; generated texts with the names written as Dutch people write them (possessive,
 * family first, register order, shortened particle, initial, first name with class, student number),
 * wrapped in HTML markup, entities, soft hyphens and line breaks. A reference oracle says which students
 * each written form can mean; a form that fits several is followed by the student number.
 */

const GIVEN = ["Daan", "Sem", "Noor", "Zoë", "Mila", "Bram", "Hüseyin", "Eva", "Luuk", "Anouk"];
const FAMILY: [string, string][] = [
  ["de", "Boer"],
  ["", "Bakker"],
  ["", "Visser"],
  ["van der", "Berg"],
  ["van den", "Berg"],
  ["van de", "Berg"],
  ["van", "Dijk"],
  ["", "Müller"],
  ["de", "Vries"],
  ["", "Çelik"],
  ["ter", "Horst"],
  ["", "Smit"],
];
const CLASSES = ["5b", "groep 7", "6a"];

interface Spec {
  given: number;
  family: number;
  klass: number;
}

const board = fc.array(
  fc.record({ given: fc.nat(GIVEN.length - 1), family: fc.nat(FAMILY.length - 1), klass: fc.nat(CLASSES.length - 1) }),
  { minLength: 1, maxLength: 14 },
);

function toStudents(specs: Spec[]): Student[] {
  return specs.map((s, i) => {
    const [particle, family] = FAMILY[s.family] ?? ["", "Smit"];
    return {
      id: `s${i}`,
      schoolId: "sch-1",
      givenName: GIVEN[s.given] ?? "Daan",
      ...(particle ? { tussenvoegsel: particle } : {}),
      familyName: family,
      aliases: [],
      studentNumber: String(700_000 + i),
      birthDate: "2015-01-01",
      className: CLASSES[s.klass] ?? "5b",
      guardians: [],
    };
  });
}

const FORMS = ["full", "familyFirst", "register", "possessive", "short", "initial", "firstNameAndClass", "number"] as const;
type FormName = (typeof FORMS)[number];

const key = (...parts: (string | undefined)[]): string => normalise(parts.filter(Boolean).join(" "));
const shortParticle = (p: string | undefined): string | undefined =>
  p === "van" ? "v." : p === "van der" || p === "van den" || p === "van de" ? "v.d." : undefined;

/** The text of a form, or undefined when the student cannot be written that way. */
function write(s: Student, form: FormName, variant: number): string | undefined {
  const p = s.tussenvoegsel;
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(" ");
  switch (form) {
    case "full":
      return join(s.givenName, p, s.familyName);
    case "familyFirst":
      return `${join(p, s.familyName)}, ${s.givenName}`;
    case "register":
      return p ? `${s.familyName}, ${s.givenName} ${p}` : undefined;
    case "possessive":
      return /[sxz]$/.test(s.familyName) ? undefined : `${join(s.givenName, p, s.familyName)}s moeder`;
    case "short": {
      const sp = shortParticle(p);
      if (!sp) return undefined;
      const written = sp === "v.d." ? (["v.d.", "vd", "v/d", "v.d"][variant % 4] ?? "vd") : sp;
      return join(s.givenName, written, s.familyName);
    }
    case "initial":
      return `${normalise(s.givenName).charAt(0).toUpperCase()}. ${join(p, s.familyName)}`;
    case "firstNameAndClass":
      return variant % 2 === 0 ? `${s.givenName} uit ${s.className}` : `${s.givenName} (${s.className})`;
    case "number":
      return `leerlingnummer ${s.studentNumber}`;
  }
}

/** The oracle: which students a form of `s` can mean (by their normalised names, not by the detector). */
function candidates(all: Student[], s: Student, form: FormName): Student[] {
  const same = (f: (x: Student) => string) => all.filter((x) => f(x) === f(s));
  switch (form) {
    case "full":
    case "familyFirst":
    case "register":
    case "possessive":
      return same((x) => key(x.givenName, x.tussenvoegsel, x.familyName));
    case "short":
      return same((x) => key(x.givenName, shortParticle(x.tussenvoegsel) ?? x.tussenvoegsel, x.familyName));
    case "initial":
      return same((x) => key(normalise(x.givenName).charAt(0), x.tussenvoegsel, x.familyName));
    case "firstNameAndClass":
      return same((x) => key(x.givenName, "|", x.className));
    case "number":
      return [s];
  }
}

/** Sentences of ordinary Dutch: first names alone, family names that are ordinary words, no full name. */
const ORDINARY = [
  (g: string) => `${g} heeft vandaag gym.`,
  (g: string) => `Morgen komt ${g} later.`,
  (g: string) => `${g}s fiets staat bij de bakker.`,
  () => "De boer en de bakker spraken met een visser.",
  () => "Het hek van de boer is groen.",
  () => "Zie bijlage.",
  () => "Wij zijn van de berg af gelopen; de vries was streng.",
  (g: string) => `Gesprek met ${g}!`,
  () => "Met vriendelijke groet, de intern begeleider",
];

/** Markup a name as it reaches the check: inline tags, entities, soft hyphens, zero-width characters, line breaks. */
function dress(text: string, html: boolean, seed: number): string {
  let out = "";
  let k = seed;
  for (const c of text) {
    k = (k * 1103515245 + 12345) & 0x7fffffff;
    const r = k % 23;
    const letter = /\p{L}/u.test(c);
    if (c === " " && html) out += r < 3 ? "&nbsp;" : r < 5 ? "\n" : r < 7 ? "<br>" : " ";
    else if (c === " ") out += r < 4 ? "\n" : r < 6 ? "\u00a0" : " ";
    else if (html && c === "ë") out += "&euml;";
    else if (html && c === "ü") out += "&uuml;";
    else if (html && c === "Ç") out += "&Ccedil;";
    else if (html && (c === "<" || c === "&")) out += c === "<" ? "&lt;" : "&amp;";
    else out += c;
    if (letter && r === 8) out += "\u00AD";
    else if (letter && r === 9) out += "\u200B";
    else if (letter && html && r === 10) out += "<span>";
    else if (letter && html && r === 11) out += "</b>";
  }
  return out;
}

const mention = fc.record({ student: fc.nat(), form: fc.constantFrom(...FORMS), variant: fc.nat(7), filler: fc.nat(ORDINARY.length - 1) });

describe("StudentDetector: properties over generated boards and texts", function () {
  this.timeout(60_000);

  it("When students are named in any supported form (a form fitting several followed by the student number), then exactly those students are found and no homonym is left", () => {
    fc.assert(
      fc.property(board, fc.array(mention, { maxLength: 6 }), fc.boolean(), fc.nat(), (specs, mentions, html, seed) => {
        const students = toStudents(specs);
        const named = new Set<string>();
        const pieces: string[] = [];
        for (const m of mentions) {
          const s = students[m.student % students.length];
          if (!s) continue;
          const written = write(s, m.form, m.variant);
          if (written === undefined) continue;
          const fits = candidates(students, s, m.form);
          named.add(s.id);
          const filler = ORDINARY[m.filler]?.(s.givenName) ?? "";
          const number = fits.length > 1 ? ` (${s.studentNumber})` : "";
          pieces.push(`${filler} Verslag over ${dress(written, html, seed + pieces.length)}${number}.`);
        }
        const body = html ? pieces.map((p) => `<p>${p}</p>`).join("\r\n") : pieces.join("\n");
        const scan = new StudentDetector(students).scan(["Overleg", body]);
        assert.deepEqual(new Set(scan.students.map((d) => d.studentId)), named, body);
        assert.deepEqual(scan.ambiguous, [], body);
      }),
      { numRuns: 300 },
    );
  });

  it("When a text has first names alone and family names as ordinary words, with markup, then nobody is found", () => {
    fc.assert(
      fc.property(board, fc.array(fc.tuple(fc.nat(ORDINARY.length - 1), fc.nat()), { minLength: 1, maxLength: 12 }), fc.boolean(), (specs, sentences, html) => {
        const students = toStudents(specs);
        const text = sentences
          .map(([t, g]) => dress(ORDINARY[t]?.(students[g % students.length]?.givenName ?? "Daan") ?? "", html, g))
          .join(html ? "<br>\n" : " ");
        const scan = new StudentDetector(students).scan([text]);
        assert.deepEqual(scan, { students: [], ambiguous: [] }, text);
      }),
      { numRuns: 300 },
    );
  });

  it("When a homonym is named without number or class, then it is reported with exactly its candidates; with one candidate's own class, then it is that student", () => {
    fc.assert(
      fc.property(board, fc.nat(), fc.boolean(), (specs, pick, html) => {
        const students = toStudents(specs);
        const first = students[pick % students.length];
        fc.pre(first !== undefined);
        if (!first) return;
        // A second student with the same name in another class: a homonym for sure.
        const twin: Student = { ...first, id: "twin", studentNumber: "799999", className: CLASSES.find((c) => c !== first.className) ?? "6a" };
        const all = [...students, twin];
        const name = write(first, "full", 0) ?? "";
        const fits = candidates(all, first, "full").map((s) => s.id).sort();
        const detector = new StudentDetector(all);
        const bare = detector.scan([dress(`Verslag ${name}`, html, pick)]);
        assert.deepEqual(bare.students, []);
        assert.deepEqual(bare.ambiguous.map((a) => [...a.candidates].sort()), [fits]);
        const inClass = fits.filter((id) => all.find((s) => s.id === id)?.className === first.className);
        const withClass = detector.scan([`Verslag ${name} (${first.className})`]);
        if (inClass.length === 1) assert.deepEqual(withClass.students.map((d) => d.studentId), [first.id]);
        else assert.deepEqual(withClass.students, []);
      }),
      { numRuns: 200 },
    );
  });
});

import assert from "node:assert/strict";
import type { Student } from "../../server/directory/domain.js";
import { AhoCorasick } from "../../server/directory/aho-corasick.js";
import { normalise, StudentDetector, type DetectedStudent } from "../../server/directory/detect.js";
import { htmlToText, MAX_TEXT_LENGTH, textTokens } from "../../server/directory/normalise.js";
import { jan, noor, sam, zoe } from "./fixtures.js";

const detector = new StudentDetector([jan, noor, sam, zoe]);
const ids = (found: DetectedStudent[]) => found.map((d) => d.studentId);
const find = (...texts: string[]) => ids(detector.detect(texts));

describe("normalise", () => {
  it("When text has case, diacritics, ligatures and separators, then it becomes lower-case words separated by single spaces", () => {
    assert.equal(normalise("  Zoë\u00a0MÜLLER,\tĲssel\n\nStraße  OPP-Jan_de.Vries "), "zoe muller ijssel strasse opp jan de vries");
  });

  it("When text holds HTML character references, then they are decoded or become separators", () => {
    assert.equal(normalise("Zo&euml;&nbsp;M&#252;ller &amp; Jan&#xA0;de&nbsp;Vries &Szlig;"), "zoe muller jan de vries ss");
  });
});

describe("AhoCorasick", () => {
  it("When patterns overlap and share suffixes, then every occurrence is found with its token span", () => {
    const ac = new AhoCorasick([
      { tokens: ["a", "b", "c"], value: "abc" },
      { tokens: ["b", "c"], value: "bc" },
      { tokens: ["c"], value: "c" },
      { tokens: ["b", "d"], value: "bd" },
    ]);
    const found = ac.search(["x", "a", "b", "c", "b", "d", "a", "b"]).map((m) => `${m.value}@${m.start}-${m.end}`);
    assert.deepEqual(found.sort(), ["abc@1-4", "bc@2-4", "bd@4-6", "c@3-4"]);
  });
});

describe("StudentDetector", () => {
  it("When the full name with tussenvoegsel appears, then the student is found by name", () => {
    assert.deepEqual(detector.detect(["Verslag over Jan de Vries uit groep 6"]), [{ studentId: jan.id, matchedBy: "name" }]);
    assert.deepEqual(find("Gesprek met Noor van der Berg gepland"), [noor.id]);
  });

  it("When the name is written family first or in register order, then the student is found", () => {
    assert.deepEqual(find("Leerling: de Vries, Jan"), [jan.id]);
    assert.deepEqual(find("Leerling: Vries, Jan de (6b)"), [jan.id]);
    assert.deepEqual(find("Berg, Noor van der"), [noor.id]);
    assert.deepEqual(find("Jansen, Sam"), [sam.id]);
  });

  it("When case and diacritics differ, then the student is still found, both ways", () => {
    assert.deepEqual(find("ZOE MULLER heeft een nieuwe bril"), [zoe.id]);
    assert.deepEqual(find("jan DE vries"), [jan.id]);
    const plain: Student = { ...sam, id: "st-plain", givenName: "Zoe", familyName: "Muller" };
    assert.deepEqual(ids(new StudentDetector([plain]).detect(["Zoë Müller"])), ["st-plain"]);
  });

  it("When the name is part of a longer word or name, then it does not match", () => {
    assert.deepEqual(find("Jan de Vriesland belde"), []);
    assert.deepEqual(find("Bijan de Vries belde"), []);
    assert.deepEqual(find("ordernummer 91234567"), []);
  });

  it("When only the first name or only the family name appears, then no student is found", () => {
    assert.deepEqual(find("Jan heeft vandaag gym. De Vries was ziek. Noor en Sam ook."), []);
    assert.deepEqual(find("familie van der Berg"), []);
    assert.deepEqual(find("Jan Vries"), []);
  });

  it("When an alias (another full name) appears, then the student is found by alias", () => {
    assert.deepEqual(detector.detect(["Jantje de Vries is weer beter"]), [{ studentId: jan.id, matchedBy: "alias" }]);
  });

  it("When a double family name alias appears with the given name, then the student is found, but not by that family name alone", () => {
    assert.deepEqual(detector.detect(["Noor van der Berg-Yilmaz"]), [{ studentId: noor.id, matchedBy: "alias" }]);
    assert.deepEqual(find("Berg-Yilmaz, Noor van der"), [noor.id]);
    assert.deepEqual(find("de familie van der Berg-Yilmaz"), []);
  });

  it("When a one-word alias (roepnaam) appears with the family name, then the student is found, but not alone", () => {
    const d = new StudentDetector([{ ...sam, aliases: ["Sammie"] }]);
    assert.deepEqual(d.detect(["Sammie Jansen"]), [{ studentId: sam.id, matchedBy: "alias" }]);
    assert.deepEqual(d.detect(["Sammie was er niet"]), []);
  });

  it("When the student number appears as a whole token, then the student is found by number", () => {
    assert.deepEqual(detector.detect(["Betreft leerling 123456."]), [{ studentId: jan.id, matchedBy: "studentNumber" }]);
    assert.deepEqual(find("lln-nr:234567"), [noor.id]);
    assert.deepEqual(find("1234567 en 0123456"), []);
  });

  it("When the name is in an attachment file name, then the student is found", () => {
    assert.deepEqual(find("verslag_jan_de_vries.pdf"), [jan.id]);
    assert.deepEqual(find("OPP-Jan-de-Vries-2026.docx"), [jan.id]);
    assert.deepEqual(find("groeidocument.Noor.van.der.Berg.pdf"), [noor.id]);
  });

  it("When whitespace is odd (NBSP, tabs, newlines, several spaces), then the name still matches", () => {
    assert.deepEqual(find("Jan\u00a0de\tVries"), [jan.id]);
    assert.deepEqual(find("Noor van\n der   Berg"), [noor.id]);
  });

  it("When several students appear, some more than once, then each is listed once in order of first appearance across texts", () => {
    const found = detector.detect(["Over Sam Jansen en 123456", "Zoë Müller, Jan de Vries en weer Sam Jansen", "Noor van der Berg"]);
    assert.deepEqual(found, [
      { studentId: sam.id, matchedBy: "name" },
      { studentId: jan.id, matchedBy: "studentNumber" },
      { studentId: zoe.id, matchedBy: "name" },
      { studentId: noor.id, matchedBy: "name" },
    ]);
  });

  it("When a student has left the school, then they are still detected", () => {
    assert.ok(zoe.leftDate);
    assert.deepEqual(find("Oud-leerling Zoë Müller"), [zoe.id]);
  });

  it("When a name is split across two texts, then it does not match", () => {
    assert.deepEqual(find("Jan de", "Vries"), []);
  });

  it("When there are 30,000 students and a 100 KB text, then the build and the detection complete and find the right students", function () {
    this.timeout(60_000); // a shared, loaded machine: the build is about twice the work it was before the Dutch name forms
    const givens = ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Finn", "Zoë", "Mila", "Bram"];
    const particles = [undefined, "de", "van", "van der", "ter"];
    const students: Student[] = Array.from({ length: 30_000 }, (_, i) => ({
      ...jan,
      id: `s${i}`,
      givenName: givens[i % givens.length] ?? "Daan",
      tussenvoegsel: particles[i % particles.length],
      familyName: `Achternaam${i.toString(36)}`,
      aliases: i % 7 === 0 ? [`Roep${i}`] : [],
      studentNumber: String(1_000_000 + i),
      guardians: [],
    }));
    const big = new StudentDetector(students);
    const filler = "Beste collega, in het overleg bespraken we de voortgang van de groep en de afspraken met ouders. ";
    let text = "";
    while (text.length < 100_000) text += filler;
    const [registerOrder, accentless, target] = [students[777], students[17], students[12_345]];
    assert.ok(registerOrder && accentless && target);
    assert.equal(accentless.givenName, "Zoë");
    text += ` Zoe ${accentless.tussenvoegsel ?? ""} ${accentless.familyName}? `;
    const { familyName, givenName, tussenvoegsel } = registerOrder;
    text = `${familyName}, ${givenName} ${tussenvoegsel ?? ""}. ${text} Verslag ${target.givenName} ${target.tussenvoegsel ?? ""} ${target.familyName}; nr 1000042.`;
    const found = big.detect([text]);
    // s777 in register order, s17 without the diaeresis, s12345 by name, s42 by student number.
    assert.deepEqual(found, [
      { studentId: "s777", matchedBy: "name" },
      { studentId: "s17", matchedBy: "name" },
      { studentId: "s12345", matchedBy: "name" },
      { studentId: "s42", matchedBy: "studentNumber" },
    ]);
  });
});

describe("htmlToText", () => {
  it("When a body is HTML, then tags go, inline tags join, breaks and blocks separate, entities decode and invisible characters vanish", () => {
    const html = "<html><head><style>p{color:red}</style></head><body><p>Beste <b>collega</b>,</p>\r\n<p>No<span>or</span> van&nbsp;der Berg<br>Bak&shy;ker\u00ADs &amp; Zo&euml;\u200B!</p><!-- verborgen --></body></html>";
    assert.equal(htmlToText(html), "\n\nBeste collega,\n\n \n\nNoor van der Berg\nBakkers & Zoë!\n\n");
  });

  it("When a body is plain text, then its line breaks stay (CRLF as LF) and a less-than sign is text", () => {
    assert.equal(htmlToText("a < b\r\nNoor\rBerg"), "a < b\nNoor\nBerg");
    assert.equal(htmlToText("<<<< 3 <b"), "<<<< 3 <b");
  });

  it("When an HTML table is reduced, then each row is one line of tab-separated cells, paragraphs in a cell included", () => {
    const html = "<table><tr><td><p>Naam</p></td><td><p>BSN</p></td></tr>\n<tr><td>Kim</td><td>111222333</td></tr></table>";
    assert.deepEqual(htmlToText(html).split("\n").filter((l) => l.trim().length > 0).map((l) => l.trim()), ["Naam \t BSN", "Kim\t111222333"]);
  });

  it("When a text is longer than the cap, then only the first MAX_TEXT_LENGTH characters are read", () => {
    const long = `${"a".repeat(MAX_TEXT_LENGTH)} Noor van der Berg`;
    assert.equal(htmlToText(long).length, MAX_TEXT_LENGTH);
    assert.deepEqual(find(long), []);
  });

  it("When hostile HTML has many unclosed tags or comments, then it is reduced (linear scan, no backtracking)", () => {
    const n = 200_000;
    assert.equal(htmlToText("<a".repeat(n)).length, 2 * n);
    assert.equal(htmlToText(`Jan${"<!--".repeat(n)}`), "Jan");
    assert.equal(htmlToText(`${"<b>".repeat(n)}Jan`), "Jan");
  });
});

describe("textTokens", () => {
  it("When text has sentences, initials and shortened particles, then boundaries mark sentence ends, capitals stay on initials and v.d. is one word", () => {
    assert.deepEqual(textTokens("Het hek van de boer. Daan heeft N. v.d. Berg en u gezien; klaar"), [
      "het", "hek", "van", "de", "boer", ".", "daan", "heeft", "N", "vd", "berg", "en", "u", "gezien", ".", "klaar",
    ]);
    assert.deepEqual(textTokens("OPP_Noor_v_d_Berg.pdf"), ["opp", "noor", "vd", "berg", "pdf"]);
  });
});

describe("StudentDetector: names as Dutch people write them", () => {
  const sem: Student = { ...sam, id: "st-sem", givenName: "Sem", familyName: "Bakker", studentNumber: "500001", className: "5b" };
  const daanA: Student = { ...sam, id: "st-daan-a", givenName: "Daan", tussenvoegsel: "de", familyName: "Boer", studentNumber: "500002", className: "5b" };
  const daanB: Student = { ...sam, id: "st-daan-b", givenName: "Daan", tussenvoegsel: "de", familyName: "Boer", studentNumber: "500003", className: "groep 7" };
  const nina: Student = { ...sam, id: "st-nina", givenName: "Nina", tussenvoegsel: "van der", familyName: "Berg", studentNumber: "500004", className: "5b" };
  const mila: Student = { ...sam, id: "st-mila", givenName: "Mila", familyName: "Visser", studentNumber: "500005", className: "groep 7" };
  const board = new StudentDetector([jan, noor, sam, zoe, sem, daanA, daanB, nina, mila]);
  const scan = (...texts: string[]) => board.scan(texts);
  const on = (...texts: string[]) => ids(board.detect(texts));

  it("When a name is possessive, then the student is found (Sem Bakkers moeder), but not by a first name's possessive alone", () => {
    assert.deepEqual(on("Sem Bakkers moeder belde"), [sem.id]);
    assert.deepEqual(on("Noors moeder en Daans vader"), []);
  });

  it("When an exact name and another student's possessive are the same words, then the exact name wins", () => {
    const bakkers: Student = { ...sem, id: "st-sem-bakkers", familyName: "Bakkers", studentNumber: "500009" };
    assert.deepEqual(ids(new StudentDetector([sem, bakkers]).detect(["Sem Bakkers"])), [bakkers.id]);
  });

  it("When the particle is shortened (v., v.d., vd, v/d, v.d), then the student is found, also in a file name", () => {
    for (const text of ["Noor v.d. Berg", "Noor vd Berg", "Noor v/d Berg", "Noor v.d Berg", "v.d. Berg, Noor", "OPP_Noor_vd_Berg.pdf"]) {
      assert.deepEqual(on(text), [noor.id], text);
    }
    const dijk: Student = { ...sam, id: "st-dijk", givenName: "Finn", tussenvoegsel: "van", familyName: "Dijk" };
    assert.deepEqual(ids(new StudentDetector([dijk]).detect(["Finn v. Dijk"])), [dijk.id]);
  });

  it("When an initial with the family name is unique among the students, then that student is found by initials", () => {
    assert.deepEqual(board.detect(["Verslag N. van der Berg"]), []);
    assert.deepEqual(board.scan(["Verslag N. van der Berg"]).ambiguous.map((a) => a.candidates.sort()), [[nina.id, noor.id].sort()]);
    assert.deepEqual(board.detect(["Verslag J. de Vries"]), [{ studentId: jan.id, matchedBy: "initials" }]);
    assert.deepEqual(on("S. Bakkers rapport"), [sem.id]);
  });

  it("[R-NAMES-SENDER-SCHOOL] When initials or a first name with the class fit students of two schools, then they count when unique among the sender's schools; a full name stays a homonym", () => {
    const ninaElsewhere: Student = { ...nina, schoolId: "sch-2" };
    const semElsewhere: Student = { ...sem, id: "st-sem-2", familyName: "Smit", studentNumber: "600001", schoolId: "sch-2" };
    const twoSchools = new StudentDetector([noor, ninaElsewhere, sem, semElsewhere]);
    // Board-wide, "N. van der Berg" fits Noor (sch-1) and Nina (sch-2); a coordinator of sch-1 means Noor.
    assert.deepEqual(twoSchools.scan(["Verslag N. van der Berg"]).students, []);
    assert.deepEqual(twoSchools.scan(["Verslag N. van der Berg"], ["sch-1"]).students, [{ studentId: noor.id, matchedBy: "initials" }]);
    assert.deepEqual(twoSchools.scan(["Verslag N. van der Berg"], ["sch-2"]).students.map((d) => d.studentId), [ninaElsewhere.id]);
    assert.equal(twoSchools.scan(["Verslag N. van der Berg"], "all").ambiguous.length, 1);
    // "Sem uit 5b": each school has a 5b with a Sem; the sender's own 5b decides.
    assert.deepEqual(twoSchools.scan(["Sem uit 5b"]).students, []);
    assert.deepEqual(twoSchools.scan(["Sem uit 5b"], ["sch-2"]).students, [{ studentId: semElsewhere.id, matchedBy: "firstNameAndClass" }]);
    // A full name that fits students of two schools is a homonym, whoever sends it.
    const twin: Student = { ...noor, id: "st-noor-2", studentNumber: "600002", schoolId: "sch-2" };
    const homonyms = new StudentDetector([noor, twin]);
    assert.deepEqual(homonyms.scan(["Verslag Noor van der Berg"], ["sch-1"]).students, []);
    assert.equal(homonyms.scan(["Verslag Noor van der Berg"], ["sch-1"]).ambiguous.length, 1);
  });

  it("When an initial with the family name follows a title (Dhr., mevrouw, Geachte), then it is an adult, not the student", () => {
    assert.deepEqual(on("Geachte dhr. J. de Vries,", "Mevrouw J. de Vries belde", "Beste J. de Vries"), []);
    assert.deepEqual(on("Gesprek over J. de Vries"), [jan.id]);
  });

  it("When an initial is written in lower case (u, 's, 't of ordinary Dutch), then it is no initial", () => {
    const umut: Student = { ...sam, id: "st-umut", givenName: "Umut", familyName: "Bakker" };
    assert.deepEqual(ids(new StudentDetector([umut]).detect(["Kunt u bakker worden?", "Kunt u Bakker bellen"])), []);
    assert.deepEqual(ids(new StudentDetector([umut]).detect(["U. Bakker"])), [umut.id]);
  });

  it("When a first name stands with a class in which it is unique, then the student is found; a first name alone is not", () => {
    assert.deepEqual(board.detect(["Mila uit groep 7 was er niet"]), [{ studentId: mila.id, matchedBy: "firstNameAndClass" }]);
    assert.deepEqual(on("Sem (5b) heeft hulp nodig"), [sem.id]);
    assert.deepEqual(on("Sem in klas 5b"), [sem.id]);
    assert.deepEqual(on("Sem, Mila en Noor"), []);
    assert.deepEqual(on("Mila uit 5b"), []); // no Mila in 5b
  });

  it("When a name fits two students, then nobody is found and the homonym is reported with both candidates", () => {
    const s = scan("Verslag Daan de Boer");
    assert.deepEqual(s.students, []);
    assert.deepEqual(s.ambiguous, [{ candidates: [daanA.id, daanB.id], matchedBy: "name" }]);
  });

  it("When a homonym's class or student number is in the mail, then it is resolved to that student", () => {
    assert.deepEqual(on("Verslag Daan de Boer (groep 7)"), [daanB.id]);
    assert.deepEqual(on("Verslag Daan de Boer", "leerling 500002"), [daanA.id]);
    assert.deepEqual(scan("Daan de Boer uit 5b").ambiguous, []);
    assert.deepEqual(on("Daan de Boer, Daan uit 5b"), [daanA.id]);
  });

  it("When family names that are ordinary words stand in ordinary text, then nobody is found", () => {
    assert.deepEqual(on("De boer en de bakker hebben een visser gesproken. Daan heeft het hek van de boer geverfd."), []);
    assert.deepEqual(on("Het hek is van de boer. Daan heeft het geverfd!"), []);
  });

  it("When a name is split by HTML tags, soft hyphens or zero-width characters, then it is found", () => {
    assert.deepEqual(on("<p>Verslag <b>Sem</b> Bak<span>ker</span></p>"), [sem.id]);
    assert.deepEqual(on("Mi\u00ADla Vis\u200Bser"), [mila.id]);
    assert.deepEqual(on("<div>No&shy;or van<br>der Berg</div>"), [noor.id]);
  });

  it("When a name runs across two paragraphs or sentences, then it does not match", () => {
    assert.deepEqual(on("<p>Sem</p><p>Bakker</p>"), []);
    assert.deepEqual(on("Gesprek met Sem. Bakker komt later."), []);
  });
});

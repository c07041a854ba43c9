import assert from "node:assert/strict";
import type { Student } from "../../server/directory/domain.js";
import { AhoCorasick } from "../../server/directory/aho-corasick.js";
import { normalise, StudentDetector, type DetectedStudent } from "../../server/directory/detect.js";
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
    this.timeout(20_000);
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

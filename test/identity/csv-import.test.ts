import assert from "node:assert/strict";
import { parseDelimited, parseDutchDate, parseStudentCsv } from "../../server/sync/csv-import.js";
import { guardianIdFor } from "../../server/sync/merge.js";
import { SAMPLE_CSV } from "./support.js";

const SCHOOL = "obs-de-linde";

describe("CSV import (student-system export)", () => {
  it("When a sample export with a BOM, quotes, tussenvoegsel and two parents with and without gezag is parsed, then the ImportRequest is exactly right", () => {
    const parsed = parseStudentCsv(SAMPLE_CSV, SCHOOL);
    const s1 = `${SCHOOL}:1001`;
    const s2 = `${SCHOOL}:1002`;
    const s4 = `${SCHOOL}:1004`;
    assert.deepEqual(parsed.request, {
      schools: [],
      parties: [],
      purposes: [],
      policies: [],
      students: [
        {
          id: s1,
          schoolId: SCHOOL,
          givenName: "Jan",
          tussenvoegsel: "de",
          familyName: "Vries",
          aliases: [],
          studentNumber: "1001",
          birthDate: "2014-05-03",
          className: "groep 7",
          guardians: [
            { id: guardianIdFor(s1, "anna@example.nl"), name: "Vries; Anna de", emails: ["anna@example.nl"], relation: "parent", hasAuthority: true },
            { id: guardianIdFor(s1, "piet@example.nl"), name: "Piet de Vries", emails: ["piet@example.nl"], relation: "parent", hasAuthority: false },
          ],
        },
        {
          id: s2,
          schoolId: SCHOOL,
          givenName: 'Noor "Noortje"',
          tussenvoegsel: "van der",
          familyName: "Berg",
          aliases: [],
          studentNumber: "1002",
          birthDate: "2013-11-20",
          className: "groep 8",
          guardians: [{ id: guardianIdFor(s2, "els@example.nl"), name: "Els van der Berg", emails: ["els@example.nl"], relation: "parent", hasAuthority: true }],
        },
        {
          id: s4,
          schoolId: SCHOOL,
          givenName: "Zoë",
          familyName: "Bakker",
          aliases: [],
          studentNumber: "1004",
          birthDate: "2012-09-01",
          className: "groep 8",
          guardians: [
            { id: guardianIdFor(s4, "karin@example.nl"), name: "Karin Bakker", emails: ["karin@example.nl"], relation: "parent", hasAuthority: false },
            { id: guardianIdFor(s4, "tom@example.nl"), name: "Tom Bakker", emails: ["tom@example.nl"], relation: "parent", hasAuthority: true },
          ],
        },
      ],
    });
    assert.equal(parsed.rows, 4);
    assert.deepEqual(parsed.errors, [{ row: 4, field: "geboortedatum", message: "not a date (dd-mm-jjjj)" }]);
    assert.deepEqual(parsed.warnings, [{ row: 5, field: "ouder1_gezag", message: "gezag unknown: recorded as no authority" }]);
    assert.ok(!JSON.stringify(parsed.errors).includes("Daan"), "problems name rows, not people");
  });

  it("When columns come in another order, with a comma delimiter and a roepnaam, then the header decides", () => {
    const csv = "Achternaam,Voornaam,Roepnaam,Leerlingnummer,Geboortedatum,Ouder1_Email,Ouder1_Naam,Ouder1_Gezag,Ouder1_Relatie\n" + "Smit,Finnegan,Finn,77,2015-01-02,m@example.nl,Mara Smit,ja,moeder\n";
    const r = parseStudentCsv(csv, SCHOOL);
    assert.equal(r.errors.length, 0);
    const s = r.request.students[0];
    assert.equal(s?.familyName, "Smit");
    assert.deepEqual(s?.aliases, ["Finn"]);
    assert.equal(s?.className, "");
    assert.equal(s?.guardians[0]?.relation, "mother");
  });

  it("When a required column is missing or a quote is not closed, then 400 VALIDATION_FAILED", () => {
    assert.throws(() => parseStudentCsv("leerlingnummer;voornaam\n1;A\n", SCHOOL), (e: Error & { code?: string }) => e.code === "VALIDATION_FAILED");
    assert.throws(() => parseDelimited('a;"b\n'), (e: Error & { code?: string }) => e.code === "VALIDATION_FAILED");
  });

  it("When a quoted field holds a line break and a delimiter, then it stays one field", () => {
    assert.deepEqual(parseDelimited('a;"x;\r\ny";c\r\nd;e;f'), [
      ["a", "x;\r\ny", "c"],
      ["d", "e", "f"],
    ]);
  });

  it("When dates come in Dutch notations, then they become ISO dates, and impossible dates are refused", () => {
    const dates: [string, string | undefined][] = [["3-5-2014", "2014-05-03"], ["03/05/2014", "2014-05-03"], ["2014-05-03", "2014-05-03"], ["29-02-2023", undefined], ["2014", undefined]];
    for (const [given, iso] of dates) assert.equal(parseDutchDate(given), iso, given);
  });
});

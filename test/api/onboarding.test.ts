import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { snapshotTables } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import { columnOf, proposeMapping } from "../../contract/csv-columns.js";
import type { CsvImportReport, StudentSummary } from "../../contract/index.js";

/**
 * Issue 17, item 4 (onboarding): the import wizard's server side (the student systems' headings, a dry
 * run that writes nothing and reports each row's problem in the caller's language) and the correction of
 * a guardian's addresses.
 */
const MAGISTER_LIKE =
  "Stamnr;Roepnaam;Tussenv;Achternaam;Geb.datum;Klas;E-mailadres ouder/verzorger 1;Naam ouder/verzorger 1;Gezag ouder/verzorger 1\n" +
  "880001;Lotte;van;Dijk;12-03-2014;5a;p.vandijk@mail.example;Paul van Dijk;ja\n" +
  "880002;Bram;;Kok;31-02-2014;5a;k.kok@mail.example;Kim Kok;ja\n" +
  "880003;Mila;;Visser;01-09-2013;6b;m.visser@mail.example;Mo Visser;\n";

describe("Onboarding: the import wizard's dry run and a guardian's addresses", function () {
  const stack = useStack();

  const importCsv = (csv: string, dryRun: boolean, lang = "nl") =>
    stack.api<CsvImportReport>("POST", `/api/import/csv?schoolId=${DEMO_SCHOOL_ID}${dryRun ? "&dryRun=true" : ""}`, undefined, {
      raw: csv,
      headers: { "content-type": "text/csv", "accept-language": lang },
    });

  it("When the headings of ParnasSys, Magister and Somtoday exports are read, then each names its column of the import", () => {
    const headings: [string, string | undefined][] = [
      ["Stamnr", "leerlingnummer"], ["Leerlingnummer", "leerlingnummer"], ["Voorvoegsels", "tussenvoegsel"], ["Groep", "klas"], ["Stamgroep", "klas"], ["Geb.datum", "geboortedatum"],
      ["E-mailadres ouder/verzorger 2", "ouder2_email"], ["Ouder/verzorger 1 e-mail", "ouder1_email"], ["Naam ouder/verzorger 1", "ouder1_naam"],
      ["Gezag ouder 2", "ouder2_gezag"], ["Ouderlijk gezag verzorger 1", "ouder1_gezag"], ["Relatie ouder 1", "ouder1_relatie"],
      ["Telefoon ouder 1", undefined], ["BSN", undefined],
    ];
    for (const [heading, column] of headings) assert.equal(columnOf(heading), column, heading);
    // Without a voornaam column the roepnaam is the first name.
    assert.deepEqual(proposeMapping(["Leerlingnummer", "Roepnaam", "Achternaam", "Geboortedatum"]), { leerlingnummer: 0, voornaam: 1, achternaam: 2, geboortedatum: 3 });
  });

  it("When an export with an impossible date is previewed (dryRun), then that row's Dutch problem comes back, the other rows are listed as new, and nothing is written; the import then writes only the good rows", async () => {
    const before = await snapshotTables(stack);
    const preview = await importCsv(MAGISTER_LIKE, true);
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.equal(preview.json.dryRun, true);
    assert.deepEqual(preview.json.errors, [{ row: 3, field: "geboortedatum", message: "geen geldige datum (dd-mm-jjjj)" }]);
    assert.deepEqual(preview.json.warnings, [{ row: 4, field: "ouder1_gezag", message: "gezag onbekend: vastgelegd als zonder gezag (bevestig het gezag later)" }]);
    assert.deepEqual(
      preview.json.preview?.map((r) => [r.row, r.studentNumber, r.name, r.outcome]),
      [
        [2, "880001", "Lotte van Dijk", "new"],
        [3, "880002", "Bram Kok", "error"],
        [4, "880003", "Mila Visser", "new"],
      ],
    );
    assert.equal(preview.json.result.students.created, 2);
    assert.deepEqual(await snapshotTables(stack), before, "a preview writes nothing (not even the administrative log)");

    const english = await importCsv(MAGISTER_LIKE, true, "en");
    assert.equal(english.json.errors[0]?.message, "not a date (dd-mm-jjjj)");

    const done = await importCsv(MAGISTER_LIKE, false);
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.equal(done.json.result.students.created, 2);
    const found = await stack.api<{ students: StudentSummary[] }>("GET", `/api/students?query=880001`);
    assert.equal(found.json.students[0]?.tussenvoegsel, "van");
    assert.equal(found.json.students[0]?.guardians[0]?.emails[0], "p.vandijk@mail.example");

    const again = await importCsv(MAGISTER_LIKE, true);
    assert.deepEqual(
      again.json.preview?.map((r) => r.outcome),
      ["unchanged", "error", "unchanged"],
      "a second preview of the imported file finds nothing new",
    );
  });

  it("When a birth date lies in the future, then the row is refused with its reason", async () => {
    const r = await importCsv("leerlingnummer;voornaam;achternaam;geboortedatum\n880009;Toekomst;Kind;01-01-2099\n", true);
    assert.deepEqual(r.json.errors, [{ row: 2, field: "geboortedatum", message: "geboortedatum ligt in de toekomst" }]);
  });

  it("When a guardian's addresses are corrected, then the authority and its confirmation stay; another guardian's address is refused with 422 and changes nothing", async () => {
    const path = "/api/students/lln-003/guardians/lln-003-o2";
    const ok = await stack.api<StudentSummary>("PUT", path, { name: "Ron Verhoef", emails: ["Ron.Verhoef@Nieuw.example"], relation: "father" });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const g = ok.json.guardians.find((x) => x.id === "lln-003-o2");
    assert.deepEqual(g?.emails, ["ron.verhoef@nieuw.example"]);
    assert.equal(g?.hasAuthority, false, "a correction of addresses does not change authority");
    assert.equal(g?.authorityConfirmed, true);

    const clash = await stack.api<{ error: { code: string; details: { path: string; message: string }[] } }>(
      "PUT",
      path,
      { name: "Ron Verhoef", emails: ["ilse.jansen@mail.example"], relation: "father" },
      { headers: { "accept-language": "nl" } },
    );
    assert.equal(clash.status, 422);
    assert.equal(clash.json.error.code, "UNPROCESSABLE");
    assert.equal(clash.json.error.details[0]?.message, "al het adres van een andere ouder of voogd");
    const after = await stack.api<StudentSummary>("GET", "/api/students/lln-003");
    assert.deepEqual(after.json.guardians.find((x) => x.id === "lln-003-o2")?.emails, ["ron.verhoef@nieuw.example"]);

    const missing = await stack.api("PUT", "/api/students/lln-003/guardians/nobody", { name: "X", emails: [], relation: "parent" });
    assert.equal(missing.status, 404);
  });

  it("When an export has guardians' address columns, then each heading names its column (street, house number, addition, postcode, town), and no e-mail, name or birthplace heading is taken for one", () => {
    const headings: [string, string | undefined][] = [
      ["Straat ouder 1", "ouder1_straat"], ["Straatnaam ouder/verzorger 2", "ouder2_straat"], ["Adres verzorger 1", "ouder1_straat"],
      ["Huisnummer ouder/verzorger 1", "ouder1_huisnummer"], ["Huisnr ouder 2", "ouder2_huisnummer"], ["Huisnummertoevoeging ouder 1", "ouder1_toevoeging"],
      ["Toevoeging ouder/verzorger 2", "ouder2_toevoeging"], ["Postcode ouder/verzorger 1", "ouder1_postcode"], ["Woonplaats verzorger 2", "ouder2_woonplaats"],
      ["Plaatsnaam ouder 1", "ouder1_woonplaats"], ["E-mailadres ouder/verzorger 1", "ouder1_email"], ["Naam ouder/verzorger 1", "ouder1_naam"],
      ["Geboorteplaats ouder 1", undefined], ["Postcode", undefined], ["Woonplaats", undefined],
    ];
    for (const [heading, column] of headings) assert.equal(columnOf(heading), column, heading);
  });

  it("When an export carries guardians' postal addresses, then a complete one is stored with its postcode as 1234 AB, an incomplete or non-Dutch one is left out with a warning at its column, and a later export without address columns keeps the stored address", async () => {
    const header = "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Groep;Naam ouder 1;E-mailadres ouder 1;Gezag ouder 1;Straat ouder 1;Huisnummer ouder 1;Toevoeging ouder 1;Postcode ouder 1;Woonplaats ouder 1;Naam ouder 2;E-mailadres ouder 2;Gezag ouder 2;Straat ouder 2;Huisnummer ouder 2;Postcode ouder 2;Woonplaats ouder 2\n";
    const csv =
      header +
      "880101;Lieke;Mol;02-02-2015;4a;Sanne Mol;s.mol@mail.example;ja;Kerkstraat;12;a;1234ab;Utrecht;Joost Mol;j.mol@mail.example;ja;Dorpsweg;3;0123 AB;Zeist\n" +
      "880102;Daan;Prins;03-03-2015;4a;Eva Prins;e.prins@mail.example;ja;Laan;7;;3511 CE;;;;;;;;\n";
    const before = await snapshotTables(stack);
    const preview = await importCsv(csv, true);
    assert.equal(preview.status, 200, JSON.stringify(preview.json));
    assert.deepEqual(preview.json.errors, []);
    assert.deepEqual(preview.json.warnings, [
      { row: 2, field: "ouder2_postcode", message: "geen Nederlandse postcode (zoals 1234 AB): het adres is weggelaten" },
      { row: 3, field: "ouder1_woonplaats", message: "postadres onvolledig (straat en huisnummer, postcode en woonplaats horen bij elkaar): het adres is weggelaten" },
    ]);
    assert.deepEqual(await snapshotTables(stack), before, "the preview writes nothing");

    const done = await importCsv(csv, false);
    assert.equal(done.status, 200, JSON.stringify(done.json));
    const guardiansOf = async (number: string) => (await stack.api<{ students: StudentSummary[] }>("GET", `/api/students?query=${number}`)).json.students[0]?.guardians ?? [];
    const [sanne, joost] = await guardiansOf("880101");
    assert.deepEqual(sanne?.address, { street: "Kerkstraat 12 a", postcode: "1234 AB", town: "Utrecht" });
    assert.equal(joost?.name, "Joost Mol");
    assert.equal(joost?.address, undefined, "the address with a postcode that is not Dutch is left out, the guardian is imported");
    assert.equal((await guardiansOf("880102"))[0]?.address, undefined);

    // The next export has no address columns (or School Data Sync, which has none): the stored address stays.
    const plain = await importCsv("Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Groep;Naam ouder 1;E-mailadres ouder 1;Gezag ouder 1\n880101;Lieke;Mol;02-02-2015;5a;Sanne Mol;s.mol@mail.example;ja\n", false);
    assert.equal(plain.status, 200, JSON.stringify(plain.json));
    assert.equal(plain.json.result.students.updated, 1);
    assert.deepEqual((await guardiansOf("880101"))[0]?.address, { street: "Kerkstraat 12 a", postcode: "1234 AB", town: "Utrecht" });
  });
});

/**
 * Onboarding in the tab (issue 17, item 4) in headless Chromium over the real stack (Azurite + the
 * server + the demo school): the import wizard with a bad row, guardians and authority, a new school's
 * defaults and retention. Axe clean in light, dark and high contrast (switched in one page load);
 * screenshots in test-output/onboarding/.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { useTabBrowser } from "../support/tab-browser.js";
import { runAxe } from "../support/browser.js";
import type { ApprovalRecord, StudentSummary } from "../../contract/index.js";

/** A Magister-like export (Windows-1252 bytes: "Zoë"), the second data row with an impossible date. */
const EXPORT = Buffer.from(
  "Stamnr;Roepnaam;Tussenv;Achternaam;Geb.datum;Klas;E-mailadres ouder/verzorger 1;Naam ouder/verzorger 1;Gezag ouder/verzorger 1;Telefoon\r\n" +
    "990001;Zoë;de;Wit;14-02-2015;groep 5;h.dewit@mail.example;Hanna de Wit;ja;0612345678\r\n" +
    "990002;Bas;;Meijer;30-02-2015;groep 5;r.meijer@mail.example;Rik Meijer;ja;\r\n" +
    "990003;Jesse;;Bos;03-10-2014;groep 6;l.bos@mail.example;Lies Bos;nee;\r\n",
  "latin1",
);

describe("Tab: onboarding (import wizard, guardians and authority, defaults and retention), over the real server", function () {
  this.timeout(180_000);
  const tab = useTabBrowser("onboarding");
  const { stack, open } = tab;

  /** Axe in the three Teams themes, switched with the dev theme switch (no reload); a screenshot of each. */
  async function themesClean(page: Page, name: string): Promise<void> {
    for (const theme of ["light", "dark", "contrast"] as const) {
      await page.getByTestId("theme-switch").selectOption(theme);
      assert.deepEqual(await runAxe(page), [], `${name} (${theme})`);
      await page.screenshot({ path: path.join(tab.out, `${name}-${theme}.png`), fullPage: true });
    }
    await page.getByTestId("theme-switch").selectOption("light");
  }

  it("When a coordinator imports an export with a bad row through the wizard, then the row's Dutch error shows next to it and, after confirming, the good rows are imported", async () => {
    const page = await open("?view=import");
    await page.getByRole("heading", { name: "Leerlingen importeren", level: 1 }).waitFor();
    await page.getByLabel("Exportbestand (CSV)").setInputFiles({ name: "magister-export.csv", mimeType: "text/csv", buffer: EXPORT });
    await page.getByText("magister-export.csv: 3 rijen, 10 kolommen.").waitFor();
    await page.screenshot({ path: path.join(tab.out, "1-wizard-file.png"), fullPage: true });
    await page.getByRole("button", { name: "Volgende" }).click();

    // Step 2: the Magister headings are recognised; the telephone column is left out.
    await page.getByRole("heading", { name: /Stap 2 van 4: Kolommen/ }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent ?? ""), "Stap 2 van 4: Kolommen", "focus moves to the step's heading");
    const chosen = async (column: string): Promise<string> =>
      page.locator(`select[data-column="${column}"]`).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? "");
    assert.equal(await chosen("leerlingnummer"), "Stamnr");
    assert.equal(await chosen("voornaam"), "Roepnaam");
    assert.equal(await chosen("klas"), "Klas");
    assert.equal(await chosen("ouder1_email"), "E-mailadres ouder/verzorger 1");
    assert.equal(await chosen("ouder1_gezag"), "Gezag ouder/verzorger 1");
    assert.match(await chosen("ouder2_naam"), /niet gebruiken/);
    await page.screenshot({ path: path.join(tab.out, "2-wizard-columns.png"), fullPage: true });
    // The keyboard reaches the step's controls: the button is pressed with Enter.
    await page.getByRole("button", { name: "Controleer de rijen" }).focus();
    await page.keyboard.press("Enter");

    // Step 3: the server's dry run, row by row; the bad row carries its Dutch error, nothing is stored yet.
    const table = page.getByTestId("wz-preview");
    await table.waitFor();
    const bad = table.locator('tr[data-row="3"]');
    assert.match(await bad.innerText(), /990002[\s\S]*Bas Meijer[\s\S]*Fout: niet geïmporteerd[\s\S]*Geb\.datum: geen geldige datum \(dd-mm-jjjj\)/);
    assert.match(await table.locator('tr[data-row="2"]').innerText(), /Zoë de Wit[\s\S]*Nieuw/);
    assert.match(await table.locator('tr[data-row="4"]').innerText(), /Jesse Bos[\s\S]*Nieuw/);
    assert.match(await page.getByRole("status").filter({ hasText: "rijen gelezen" }).innerText(), /3 rijen gelezen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd, 1 met een fout/);
    const none = await stack.api<{ students: StudentSummary[] }>("GET", "/api/students?query=990001");
    assert.equal(none.json.students.length, 0, "the preview stored nothing");
    await themesClean(page, "3-wizard-check");

    await page.getByRole("button", { name: "Importeer 2 goede rijen" }).click();
    await page.getByText(/Import klaar: 2 nieuw, 0 gewijzigd, 0 ongewijzigd\. 1 rijen met een fout/).waitFor();
    await page.screenshot({ path: path.join(tab.out, "4-wizard-done.png"), fullPage: true });
    const zoe = await stack.api<{ students: StudentSummary[] }>("GET", "/api/students?query=990001");
    assert.equal(zoe.json.students[0]?.name, "Zoë de Wit", "Windows-1252 decoded");
    assert.deepEqual(zoe.json.students[0]?.guardians.map((g) => [g.name, g.emails[0], g.hasAuthority]), [["Hanna de Wit", "h.dewit@mail.example", true]]);
    const bas = await stack.api<{ students: StudentSummary[] }>("GET", "/api/students?query=990002");
    assert.equal(bas.json.students.length, 0, "the bad row was not imported");
    await page.close();
  });

  it("When a coordinator corrects a parent's address and confirms authority, then both are stored and the state shows it", async () => {
    const page = await open("?view=guardians&student=lln-003");
    const card = page.getByTestId("guardian-card").filter({ hasText: "Ron Verhoef" });
    await card.waitFor();
    assert.match(await card.getByTestId("authority-state").innerText(), /ouder zonder gezag/);
    await card.getByLabel("E-mailadressen (één per regel)").fill("ron.verhoef@nieuw.example");
    // A postal address with a postcode that is not Dutch: the error next to the field, nothing stored.
    await card.getByLabel("Straat en huisnummer").fill("Dorpsstraat 12a");
    await card.getByLabel("Postcode").fill("0123 AB");
    await card.getByLabel("Woonplaats").fill("Utrecht");
    await card.getByRole("button", { name: "Adressen opslaan" }).click();
    await card.getByText("moet een postcode zijn, zoals 1234 AB").waitFor();
    await card.getByLabel("Postcode").fill("3511ab");
    await card.getByRole("button", { name: "Adressen opslaan" }).click();
    await card.getByText("Opgeslagen.").waitFor();
    await card.getByRole("radio", { name: "Ja, ouder met gezag of voogd" }).check();
    await card.getByLabel("Bron").selectOption("gezagsregister");
    await card.getByRole("button", { name: "Gezag bevestigen" }).click();
    await card.getByTestId("authority-state").filter({ hasText: "ouder met gezag" }).waitFor();
    const stored = await stack.api<StudentSummary>("GET", "/api/students/lln-003");
    const ron = stored.json.guardians.find((g) => g.id === "lln-003-o2");
    assert.deepEqual([ron?.emails, ron?.hasAuthority, ron?.authorityConfirmed], [["ron.verhoef@nieuw.example"], true, true]);
    assert.deepEqual(ron?.address, { street: "Dorpsstraat 12a", postcode: "3511 AB", town: "Utrecht" });
    await page.getByTestId("legal-hold-state").waitFor();
    assert.deepEqual(await runAxe(page), [], "guardians");
    await page.screenshot({ path: path.join(tab.out, "5-guardians.png"), fullPage: true });
    await page.close();
  });

  it("When a new school adopts the default parties and purposes and lowers a retention period, then they are added and the lowering waits for approval", async () => {
    const page = await open("?view=setup");
    await page.getByRole("heading", { name: "Standaardpartijen en -doelen" }).waitFor();
    const adopt = page.getByRole("button", { name: /^Neem \d+ over$/ });
    await adopt.waitFor();
    await adopt.click();
    await page.getByText(/\d+ overgenomen\./).waitFor();
    const parties = await stack.api<{ parties: { id: string }[] }>("GET", "/api/parties");
    assert.ok(["duo", "specialist", "nieuwe-school-vo"].every((id) => parties.json.parties.some((p) => p.id === id)), "the missing defaults were added");
    await page.getByRole("button", { name: "Alles is al aanwezig." }).waitFor();

    const form = page.getByTestId("retention");
    await form.getByLabel("Toestemmingen en bewijs").fill("1");
    await form.getByLabel("Reden voor het verlagen").fill("Kortere termijn na besluit van het bestuur");
    await form.getByRole("button", { name: "Stel verlaging voor" }).click();
    await form.getByText("Voorstel gedaan: het wacht op goedkeuring van een tweede persoon.").waitFor();
    const pending = page.getByTestId("retention-pending");
    await pending.filter({ hasText: "Toestemmingen en bewijs: 1" }).waitFor();
    assert.match(await pending.innerText(), /wacht op goedkeuring[\s\S]*Toestemmingen en bewijs: 1/);
    const approvals = await stack.api<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals");
    assert.ok(approvals.json.approvals.some((a) => a.state === "proposed" && a.retention?.consentYears === 1));
    const policy = await stack.api<{ retention: { consentYears: number } }>("GET", "/api/policies/obs-de-regenboog");
    assert.equal(policy.json.retention.consentYears, 2, "the stored retention waits for the second person");
    assert.deepEqual(await runAxe(page), [], "setup");
    await page.screenshot({ path: path.join(tab.out, "6-setup.png"), fullPage: true });
    await page.close();
  });

  it("When a tenant has no students yet, then the register's empty state links into the wizard, which offers to add the school", async () => {
    const page = await open(`?view=register&tenant=${randomUUID()}`);
    const link = page.getByTestId("import-link");
    await link.waitFor();
    assert.doesNotMatch(await page.locator("main").innerText(), /POST \/api/);
    await link.click();
    await page.getByText("Er is nog geen school. Voeg hieronder eerst de school toe.").waitFor();
    await page.screenshot({ path: path.join(tab.out, "0-empty-to-wizard.png"), fullPage: true });
    await page.close();
  });
});

/**
 * The tab's decision screens (issue 16 item 1, issue 15 item 8) in headless Chromium over the real stack
 * (Azurite + the server + the demo school): a second person approves another coordinator's proposal while
 * the proposer's own waits, a data breach is registered by hand and decided on, and an override found
 * wrong is registered as a breach from the overview (and opened from the student's timeline). Axe clean (light); screenshots in test-output/decisions/.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { useTabBrowser } from "../support/tab-browser.js";
import { runAxe } from "../support/browser.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import type { ApprovalRecord, Breach } from "../../contract/index.js";
import { check, importStudent } from "../support/api-helpers.js";
import { newEventId } from "../../server/register/ids.js";
import type { Policy } from "../../contract/directory.js";

describe("Tab: approvals (four eyes) and the data breach forms, over the real server", function () {
  this.timeout(180_000);
  const tab = useTabBrowser("decisions");
  const { stack, open } = tab;

  it("When another coordinator proposed a shorter retention, then the tab's user finds it from Inrichten and approves it by keyboard with a reason and it is carried out, while their own purge proposal waits for a second person and, approved anyway, shows the server's refusal in words", async () => {
    const other = await stack.token("mentor@demo", ["coordinator"]);
    const policy = await stack.api<Policy>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    const lower = await stack.api<ApprovalRecord>(
      "POST",
      "/api/approvals",
      { kind: "retention-change", schoolId: DEMO_SCHOOL_ID, retention: { ...policy.json.retention, consentYears: 1 }, reason: "Bestuursbesluit bewaartermijnen" },
      { token: other },
    );
    assert.equal(lower.status, 201, JSON.stringify(lower.json));
    // The tab's user (ib@demo) proposes a purge themselves.
    const own = await stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "purge", reason: "Jaarlijkse opschoning" });
    assert.equal(own.status, 201, JSON.stringify(own.json));

    // Coordinators find it from the retention settings, where a proposal waits.
    const page = await open("?view=setup");
    await page.getByRole("link", { name: "Naar Goedkeuringen: daar beslist een tweede persoon" }).click();
    await page.getByRole("heading", { name: "Goedkeuringen (vier ogen)", level: 1 }).waitFor();
    const ownRow = page.locator(`[data-approval="${own.json.id}"]`);
    await ownRow.getByText("Wacht op een tweede persoon").waitFor();
    assert.equal(await ownRow.getByRole("button", { name: "Goedkeuren" }).count(), 0, "no approve button on one's own proposal");
    const row = page.locator(`[data-approval="${lower.json.id}"]`);
    assert.match(await row.innerText(), /Kortere bewaartermijn[\s\S]*Toestemmingen en bewijs: 1[\s\S]*mentor@demo[\s\S]*Bestuursbesluit bewaartermijnen/);
    assert.deepEqual(await runAxe(page), [], "approvals");
    await page.screenshot({ path: path.join(tab.out, "1-approvals.png"), fullPage: true });

    // Keyboard: a too short reason is refused in the form, then Enter in the reason field approves.
    const reason = row.getByRole("textbox", { name: /Reden van uw besluit/ });
    await reason.focus();
    await page.keyboard.type("ok");
    await page.keyboard.press("Enter");
    await row.getByText("Minstens 5 tekens; komt in het beheerlog.").first().waitFor();
    assert.equal((await stack.api<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals")).json.approvals.find((a) => a.id === lower.json.id)?.state, "proposed");
    await page.keyboard.type(" na overleg met de FG");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Goedgekeurd en uitgevoerd." }).waitFor();
    await page.getByTestId("ap-decided-list").getByText(/goedgekeurd en uitgevoerd \(ib@demo/).waitFor();
    const after = (await stack.api<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals")).json.approvals;
    const done = after.find((a) => a.id === lower.json.id);
    assert.deepEqual([done?.state, done?.decidedBy, done?.decisionReason], ["executed", "ib@demo", "ok na overleg met de FG"]);
    assert.equal((await stack.api<Policy>("GET", `/api/policies/${DEMO_SCHOOL_ID}`)).json.retention.consentYears, 1);
    await page.close();

    // Who the user is could not be asked (GET /api/me fails): the buttons show, and the server's 403 is said plainly.
    const blind = await open("?view=approvals", (p) => p.route("**/api/me", (r) => r.abort()));
    const ownBlind = blind.locator(`[data-approval="${own.json.id}"]`);
    await ownBlind.getByRole("textbox", { name: /Reden van uw besluit/ }).fill("Ik keur het zelf goed");
    await ownBlind.getByRole("button", { name: "Goedkeuren" }).click();
    const refusal = ownBlind.getByRole("alert").filter({ hasText: "U kunt uw eigen voorstel niet goedkeuren" });
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /een andere coördinator van de school of de privacyfunctionaris/);
    assert.equal((await stack.api<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals")).json.approvals.find((a) => a.id === own.json.id)?.state, "proposed");
    await blind.close();
  });

  it("When a coordinator registers a breach by hand (what, a student found by number, recipients, categories, aware two hours ago) and records the decisions, then the register shows it with its deadline and the API has both decisions with their reasons", async () => {
    const page = await open("?view=review");
    const form = page.getByTestId("breach-open");
    await form.getByRole("textbox", { name: /Wat is er gebeurd/ }).fill("Laptop met de zorglijst van groep 5 in de trein laten liggen");
    await form.getByRole("textbox", { name: /Leerling zoeken/ }).fill("250101");
    await form.getByRole("textbox", { name: /Leerling zoeken/ }).press("Enter");
    await form.getByRole("checkbox", { name: /250101/ }).check();
    await form.getByRole("textbox", { name: /Ontvangers/ }).fill("vinder@mail.example");
    await form.getByRole("textbox", { name: /Soorten gegevens/ }).fill("verslag, medisch");
    const aware = new Date(Date.now() - 2 * 3_600_000);
    const local = new Date(aware.getTime() - aware.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await form.getByLabel("Bekend sinds").fill(local);
    await form.getByRole("button", { name: "Datalek registreren" }).click();
    await form.getByRole("status").filter({ hasText: "Datalek geregistreerd" }).waitFor();

    const list = (await stack.api<{ breaches: Breach[] }>("GET", "/api/breaches")).json.breaches;
    const b = list.find((x) => x.what.startsWith("Laptop met de zorglijst"));
    assert.ok(b, JSON.stringify(list.map((x) => x.what)));
    assert.deepEqual([b.source, b.students.map((s) => s.id), b.recipients, b.categories], ["hand", ["vl-001"], ["vinder@mail.example"], ["verslag", "medisch"]]);
    assert.ok(Math.abs(Date.parse(b.awareAt) - aware.getTime()) < 60_000, `${b.awareAt} is about two hours ago`);

    const row = page.getByTestId("breach-table").getByRole("row").filter({ hasText: "Laptop met de zorglijst" });
    assert.match(await row.getByTestId("breach-deadline").innerText(), /nog (69|70) uur/);
    assert.match(await row.innerText(), /Soorten gegevens: verslag, medisch/);
    await row.getByRole("button", { name: "Besluiten vastleggen: Laptop met de zorglijst van groep 5 in de trein laten liggen" }).click();
    const decide = page.getByTestId("breach-decide");
    const ap = decide.getByRole("group", { name: "Melden bij de Autoriteit Persoonsgegevens" });
    await ap.getByRole("radio", { name: "Niet melden bij de AP" }).check();
    await ap.getByRole("textbox", { name: /Reden/ }).fill("Laptop versleuteld, geen risico voor de leerling");
    const par = decide.getByRole("group", { name: "Ouders informeren" });
    await par.getByRole("radio", { name: "Ouders informeren" }).check();
    await par.getByRole("textbox", { name: /Reden/ }).fill("Ouders hebben recht om het te weten");
    await decide.getByRole("textbox", { name: /Vervolg/ }).fill("Zorglijsten niet meer lokaal opslaan");
    assert.deepEqual(await runAxe(page), [], "review with both breach forms");
    await page.screenshot({ path: path.join(tab.out, "2-breach-forms.png"), fullPage: true });
    await decide.getByRole("button", { name: "Besluiten vastleggen" }).click();
    await decide.waitFor({ state: "detached" });
    await row.getByText("Niet melden bij de AP: Laptop versleuteld").waitFor();

    const decided = (await stack.api<{ breaches: Breach[] }>("GET", "/api/breaches")).json.breaches.find((x) => x.id === b.id);
    assert.deepEqual(
      [decided?.notifyAuthority?.decision, decided?.notifyAuthority?.reason, decided?.informParents?.decision, decided?.informParents?.by, decided?.followUp],
      ["not-notify", "Laptop versleuteld, geen risico voor de leerling", "inform", "ib@demo", "Zorglijsten niet meer lokaal opslaan"],
    );
    await page.close();
  });
  it("When a coordinator finds an override wrong in the overview, then by keyboard \"Als datalek registreren\" opens the breach form prefilled from its check (students, blocked recipients, the reason given), also in English, and saving it registers a breach that names the check; the student's timeline opens the same form from the override event", async () => {
    // An override (the task pane's "send anyway" with a reason) whose mail Sent Items confirmed: the
    // confirmation writes the override event into the student's chain, done here straight on the
    // register repository (the confirmation itself is tested in test/api/sent-items.test.ts).
    const s = await importStudent(stack);
    const GGD = "jgz@ggd-voorbeeldregio.example";
    const mail = { to: [GGD], subject: `Verslag ${s.name}`, body: `Over ${s.name}.` };
    const q = await check(stack, mail);
    assert.equal(q.verdict, "block");
    const reason = "Ouders hebben telefonisch ingestemd";
    const o = await stack.api("POST", `/api/checks/${q.checkId}/override`, { reason, mail: { ...mail, cc: [], bcc: [], attachments: [] } });
    assert.equal(o.status, 201, JSON.stringify(o.json));
    const now = new Date().toISOString();
    await stack.running.services.registerRepo.append(stack.tenantId, s.id, () => [
      { type: "override", id: newEventId(s.id), studentId: s.id, checkId: q.checkId, reason, by: "ib@demo", at: now, recordedBy: "ib@demo", recordedAt: now },
    ]);

    const page = await open("?view=overview");
    const button = page.getByRole("button", { name: new RegExp(`^Als datalek registreren: uitzondering voor ${s.name} op `) });
    assert.equal(await button.innerText(), "Als datalek registreren");
    await button.focus();
    await page.keyboard.press("Enter");
    const form = page.getByTestId("breach-from-override");
    await form.getByRole("heading", { name: "Datalek registreren vanuit een genegeerde blokkade", level: 2 }).waitFor();
    const fixed = form.getByTestId("bo-from-check");
    await fixed.getByText(`Betrokken leerlingen: ${s.name}`).waitFor();
    await fixed.getByText(`Ontvangers (e-mailadressen): ${GGD}`).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "bo-title");
    assert.match(new URL(page.url()).search, new RegExp(`check=${q.checkId}`));
    const what = form.getByRole("textbox", { name: /Wat is er gebeurd/ });
    assert.match(await what.inputValue(), /Toch verzonden ondanks de blokkade[\s\S]*Ouders hebben telefonisch ingestemd/);
    assert.deepEqual(await runAxe(page), [], "breach form from an override");
    await page.screenshot({ path: path.join(tab.out, "3-breach-from-override.png"), fullPage: true });

    // The same in English (the language switch of the tab in a browser).
    await page.getByRole("combobox", { name: "Taal" }).selectOption("en");
    await form.getByRole("heading", { name: "Register a data breach from an overridden block" }).waitFor();
    await fixed.getByText(`Students concerned: ${s.name}`).waitFor();
    await page.getByRole("combobox", { name: "Language" }).selectOption("nl");

    // Keyboard: Tab from "what" to the categories, type, Enter saves.
    await what.focus();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" De GGD had geen toestemming.");
    await form.getByRole("textbox", { name: /Soorten gegevens/ }).focus();
    await page.keyboard.type("verslag");
    await page.keyboard.press("Enter");
    await form.getByRole("status").filter({ hasText: "Datalek geregistreerd" }).waitFor();

    const b = (await stack.api<{ breaches: Breach[] }>("GET", "/api/breaches")).json.breaches.find((x) => x.checkId === q.checkId);
    assert.ok(b, "a breach names the check");
    assert.deepEqual([b.source, b.students.map((x) => x.id), b.recipients, b.categories], ["override", [s.id], [GGD], ["verslag"]]);
    assert.match(b.what, /Ouders hebben telefonisch ingestemd De GGD had geen toestemming\.$/);
    await page.getByTestId("breach-table").getByRole("row").filter({ hasText: "Toch verzonden ondanks de blokkade" }).waitFor();
    await page.close();

    // The student's timeline offers the same on its override event (the same form, from the same check).
    const student = await open(`?view=student&student=${encodeURIComponent(s.id)}`);
    const event = student.getByTestId("timeline").locator('[data-event-type="override"]');
    const fromTimeline = event.getByRole("button", { name: new RegExp(`^Als datalek registreren: uitzondering voor ${s.name} op `) });
    await fromTimeline.focus();
    await student.keyboard.press("Enter");
    const again = student.getByTestId("breach-from-override");
    await again.getByTestId("bo-from-check").getByText(`Ontvangers (e-mailadressen): ${GGD}`).waitFor();
    assert.match(new URL(student.url()).search, new RegExp(`check=${q.checkId}`));
    assert.match(await again.getByRole("textbox", { name: /Wat is er gebeurd/ }).inputValue(), /Ouders hebben telefonisch ingestemd/);
    await student.close();
  });
});

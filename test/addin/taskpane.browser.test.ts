import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import path from "node:path";
import type { Page } from "playwright-core";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import { runAxe } from "../support/browser.js";
import { usePaneBrowser } from "./support/pane-browser.js";
import type { PaneOffice, PaneSetup } from "./support/office-double-page.js";
import { DEFAULT_OVERRIDE_REASONS } from "../../contract/sendcheck.js";
import { makePdf } from "../sendcheck/documents.js";
import { boardStudent, seedBoard } from "../support/seed-board.js";
import { DEMO_TENANT } from "../../server/demo/seed.js";

interface RegisterAnswer {
  events: { type: string; decision?: string; partyId?: string; purposeId?: string; givenBy?: unknown; method?: string; informationShown?: string; evidence?: Record<string, unknown> }[];
}

/** "Zie bijlage" to the GGD with a readable report that names nobody: the attachment-without-student case. */
function reportToGgd(fileName: string) {
  const pdf = makePdf("Verslag van het onderzoek, zie de toelichting.");
  return {
    to: ["jgz@ggd-voorbeeldregio.example"],
    cc: [],
    bcc: [],
    subject: "Zie bijlage",
    bodyText: "Bijgaand het verslag.",
    attachments: [{ name: fileName, size: pdf.length, content: { format: "base64" as const, content: pdf.toString("base64") } }],
  };
}

describe("Outlook task pane in a browser (the Office.js double as Office, real backend on Azurite)", function () {
  this.timeout(120_000);
  // Storage may take long on a busy machine while the last test writes a board of 30,000 students.
  const pane = usePaneBrowser("zv-addin-dist-", { STORAGE_TIMEOUT_MS: "30000" });
  const { stack, open } = pane;

  async function noSeriousAxeViolations(page: Page): Promise<void> {
    const bad = await runAxe(page);
    assert.deepEqual(bad, [], JSON.stringify(bad));
  }

  async function register(studentId: string): Promise<RegisterAnswer> {
    const r = await stack.api<RegisterAnswer>("GET", `/api/students/${studentId}/register`);
    assert.equal(r.status, 200);
    return r.json;
  }

  it("When a parent with authority answers a consent request, then one click records the consent with its evidence in the register", async () => {
    const req = await stack.api<{ requestId: string; subject: string; informationShown: string }>("POST", "/api/consent-requests", {
      studentId: "lln-001",
      partyId: "dyslexiepraktijk",
      purposeId: "onderzoek-dyslexie",
    });
    assert.equal(req.status, 201);
    const before = (await register("lln-001")).events.length;
    const bodyText = "Beste juf,\n\nIk geef toestemming.\n\nGroet, Sanne de Vries\n\n> Wij vragen uw toestemming ...";
    const messageId = "<reply-123@mail.example>";
    const page = await open("record", {
      read: {
        internetMessageId: messageId,
        from: "ouder1.devries@mail.example",
        fromName: "Sanne de Vries",
        subject: `RE: ${req.json.subject}`,
        bodyText,
        date: "2025-03-10T09:15:00.000Z",
      },
    });
    await page.getByText("is ouder met gezag of voogd van Jan de Vries").waitFor();
    await page.getByText(`Dit is een antwoord op verzoek ${req.json.requestId}.`).waitFor();
    const summary = await page.getByTestId("summary").innerText();
    assert.match(summary, /Dyslexiepraktijk Letterwijs/);
    assert.match(summary, /Onderzoek naar dyslexie/);
    assert.match(summary, /Geeft toestemming/);
    await page.screenshot({ path: path.join(pane.shots, "record-ready.png"), fullPage: true });
    await noSeriousAxeViolations(page);

    await page.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Vastgelegd in het toestemmingsregister.").waitFor();
    await page.screenshot({ path: path.join(pane.shots, "record-done.png"), fullPage: true });

    const after = (await register("lln-001")).events;
    assert.equal(after.length, before + 1);
    const consent = after.find((e) => e.type === "consent" && e.evidence?.messageId === messageId);
    assert.ok(consent, "the consent event is in the register");
    assert.equal(consent.decision, "granted");
    assert.equal(consent.partyId, "dyslexiepraktijk");
    assert.equal(consent.purposeId, "onderzoek-dyslexie");
    assert.equal(consent.method, "email");
    assert.deepEqual(consent.givenBy, { guardianId: "lln-001-o1" });
    assert.equal(consent.informationShown, req.json.informationShown);
    assert.equal(consent.evidence?.sender, "ouder1.devries@mail.example");
    assert.equal(consent.evidence?.sha256, createHash("sha256").update(bodyText, "utf8").digest("hex"));
    assert.equal(consent.evidence?.excerpt, "Beste juf,\n\nIk geef toestemming.\n\nGroet, Sanne de Vries");
    await page.context().close();
  });

  /** Opens the pane on a reply `from` a sender who may not consent: it refuses with `why`, and the register is unchanged. */
  async function refused(studentId: string, read: { internetMessageId: string; from: string; fromName: string; subject: string; bodyText: string }, why: RegExp): Promise<Page> {
    const before = (await register(studentId)).events.length;
    const page = await open("record", { read: { ...read, date: "2025-03-10T09:15:00.000Z" } });
    await page.getByTestId("refusal").waitFor();
    assert.match(await page.getByTestId("refusal").innerText(), why);
    assert.equal(await page.getByRole("button", { name: "Vastleggen" }).count(), 0);
    assert.equal((await register(studentId)).events.length, before);
    return page;
  }

  it("When the sender is not a guardian (or a student writing themselves), then the pane refuses and nothing is written", async () => {
    const page = await refused(
      "lln-001",
      { internetMessageId: "<x-1@mail.example>", from: "onbekend@mail.example", fromName: "Onbekend", subject: "Toestemming voor Jan de Vries", bodyText: "Ik geef toestemming." },
      /geen bekende ouder of voogd/,
    );
    await page.screenshot({ path: path.join(pane.shots, "record-refused.png"), fullPage: true });
    await noSeriousAxeViolations(page);
    await page.context().close();
  });

  it("When a parent without parental authority writes, then the pane refuses and nothing is written", async () => {
    const page = await refused(
      "lln-003",
      { internetMessageId: "<x-2@mail.example>", from: "ron.verhoef@mail.example", fromName: "Ron Verhoef", subject: "Toestemming", bodyText: "Akkoord." },
      /geen ouderlijk gezag/,
    );
    await page.context().close();
  });

  it("When the Smart Alert opens the pane on a blocked check, then it shows why and the ways out work: request consent, override and send", async () => {
    const compose = { to: ["team@wijkteam.voorbeeldstad.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
    // The on-send handler's recording check: the Smart Alert's "Actie ondernemen" opens the pane on it.
    const mail = { to: compose.to, subject: compose.subject, body: compose.bodyText };
    const chk = await stack.api<{ checkId: string; verdict: string }>("POST", "/api/check", { ...mail, mode: "send" }, { headers: { "idempotency-key": "pane-send-1" } });
    assert.equal(chk.json.verdict, "block");
    const page = await open("check", { compose, initializationContext: JSON.stringify({ checkId: chk.json.checkId }) });
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    await page.getByText("Daan Jansen", { exact: true }).waitFor();
    await page.screenshot({ path: path.join(pane.shots, "check-block.png"), fullPage: true });
    await noSeriousAxeViolations(page);

    await page.getByRole("button", { name: "Toestemming vragen" }).click();
    await page.getByText("Het toestemmingsverzoek staat klaar: één e-mail per ouder met gezag").waitFor();
    // What Outlook saw: the new message form, the override mark in the item's session data, the send.
    const outlook = (): Promise<{ newMessages: { toRecipients?: unknown[]; subject?: string }[]; override: string | undefined; sent: PaneOffice["sent"] }> =>
      page.evaluate(() => {
        const o = window.__ZV_OFFICE__;
        if (!o) throw new Error("no Office double in the page");
        return { newMessages: o.double.newMessages, override: o.double.sessionData.get("zvOverride"), sent: o.sent };
      });
    const newMail = (await outlook()).newMessages[0];
    assert.deepEqual(newMail?.toRecipients, ["ilse.jansen@mail.example"], "only the guardian with authority");
    assert.match(newMail?.subject ?? "", /\[ZV-[A-Za-z0-9]+\]/);

    const before = (await register("lln-003")).events.length;
    // The reason is picked from the school's list (here the default list), as Purview's policy tips do.
    const picked = DEFAULT_OVERRIDE_REASONS.nl[0] ?? "";
    const reasons = page.getByRole("radiogroup", { name: /Waarom verzendt u toch\?/ });
    assert.deepEqual(
      await reasons.getByRole("radio").evaluateAll((els) => els.map((e) => e.getAttribute("value"))),
      [...DEFAULT_OVERRIDE_REASONS.nl, "__own__"],
    );
    await reasons.getByRole("radio", { name: picked }).check();
    await page.getByRole("button", { name: "Reden vastleggen en verzenden" }).click();
    await page.getByText("De reden is vastgelegd.", { exact: false }).waitFor();
    const after = await outlook();
    assert.deepEqual(JSON.parse(after.override ?? "null"), { checkId: chk.json.checkId, recipients: ["team@wijkteam.voorbeeldstad.example"] });
    assert.equal(after.sent.length, 1, "the pane sent the message");
    // Nothing in the register until Sent Items shows the mail; the override is bound to this mail's digest:
    // the handler's next check of the same mail (overrideOf) is let through, with the reason.
    assert.equal((await register("lln-003")).events.length, before);
    const again = await stack.api<{ verdict: string; override?: { reason: string } }>("POST", "/api/check", { ...mail, mode: "send", overrideOf: chk.json.checkId }, { headers: { "idempotency-key": "pane-send-2" } });
    assert.equal(again.json.verdict, "allow", JSON.stringify(again.json));
    assert.equal(again.json.override?.reason, picked);
    await page.screenshot({ path: path.join(pane.shots, "check-overridden.png"), fullPage: true });
    await page.context().close();
  });

  /** What Outlook holds after the pane acted: the item being composed, its session data, new message forms. */
  interface Seen {
    to: string[];
    body: string;
    purposeMark: string | undefined;
    newMessages: { to: string[]; htmlBody: string }[];
  }
  const seen = (page: Page): Promise<Seen> =>
    page.evaluate(() => {
      const o = window.__ZV_OFFICE__;
      if (!o) throw new Error("no Office double in the page");
      const c = o.double.composeSnapshot();
      return {
        to: c.to,
        body: c.body,
        purposeMark: o.double.sessionData.get("zvPurpose"),
        newMessages: o.double.newMessages.map((m) => ({
          to: (m.toRecipients ?? []).map((r) => (typeof r === "string" ? r : r.emailAddress)),
          htmlBody: m.htmlBody ?? "",
        })),
      };
    });

  it("[R-PURPOSE-PANE] When the user chooses the purpose in the pane, then it is kept in the item's session data for the on-send check and the check judges that purpose", async () => {
    const compose = { to: ["lpa@leerplicht.voorbeeldstad.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
    const page = await open("check", { compose });
    await page.getByText(/Beoordeeld als: Verzuimmelding, het standaarddoel van Leerplicht Voorbeeldstad/).first().waitFor();
    await page.getByLabel("Doel van deze e-mail").selectOption("onderzoek-dyslexie");
    await page.getByText(/geldt alleen voor Verzuimmelding, niet voor „Onderzoek naar dyslexie/).first().waitFor();
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    assert.equal((await seen(page)).purposeMark, JSON.stringify({ purposeId: "onderzoek-dyslexie" }));
    // Back to the default: the session data is removed, so the handler sends no purpose.
    await page.getByLabel("Doel van deze e-mail").selectOption("");
    await page.getByText(/Beoordeeld als: Verzuimmelding/).first().waitFor();
    assert.equal((await seen(page)).purposeMark, undefined);
    await noSeriousAxeViolations(page);
    await page.screenshot({ path: path.join(pane.shots, "check-purpose.png"), fullPage: true });
    await page.context().close();
  });

  /** Types the name in the student combobox (a server search) and picks the option of that name. */
  async function pickStudent(page: Page, name: string, label: RegExp = /^Leerling/): Promise<void> {
    const box = page.getByRole("combobox", { name: label });
    // As a user does: open the list, type, choose (the list shows the server's answer to what was typed).
    await box.click();
    await box.pressSequentially(name);
    await page.getByRole("option", { name: new RegExp(`^${name} `) }).click();
  }

  it("[R-CHANNEL-ENCRYPTED] When the school configured its Purview label for encrypted mail, then the pane offers \"Versleuteld verzenden\" for a party whose agreed channel is encrypted mail; it applies the label and the warning clears", async () => {
    const label = { id: "8a1b2c3d-0000-4000-8000-00000000e2e2", name: "Vertrouwelijk - versleuteld" };
    const policy = await stack.api<Record<string, unknown>>("GET", `/api/policies/${DEMO_SCHOOL_ID}`);
    assert.equal(policy.status, 200);
    const put = await stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, { ...policy.json, encryptedMailLabelId: label.id });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    try {
      const compose = { to: ["intake@letterwijs.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
      // Without Purview (no label catalog) the warning stands and nothing is offered.
      const plain = await open("check", { compose });
      await plain.getByText(/ander kanaal afgesproken dan gewone e-mail: versleutelde mail/).first().waitFor();
      assert.equal(await plain.getByRole("button", { name: "Versleuteld verzenden" }).count(), 0);
      await plain.context().close();

      const page = await open("check", { compose, sensitivityLabels: [{ id: "00000000-0000-4000-8000-000000000001", name: "Openbaar" }, label] });
      await page.getByText(/ander kanaal afgesproken dan gewone e-mail: versleutelde mail/).first().waitFor();
      await noSeriousAxeViolations(page);
      await page.screenshot({ path: path.join(pane.shots, "check-encrypt-offered.png"), fullPage: true });
      await page.getByRole("button", { name: "Versleuteld verzenden" }).click();
      await page.getByText(/Het label „Vertrouwelijk - versleuteld” is toegepast/).waitFor();
      assert.equal(await page.evaluate(() => window.__ZV_OFFICE__?.double.sensitivityLabel), label.id);
      // Checked again with the label: the channel warning is gone (the consent question remains).
      assert.equal(await page.getByText(/ander kanaal afgesproken/).count(), 0);
      assert.equal(await page.getByRole("button", { name: "Versleuteld verzenden" }).count(), 0);
      await page.screenshot({ path: path.join(pane.shots, "check-encrypted.png"), fullPage: true });
      await page.context().close();
    } finally {
      await stack.api("PUT", `/api/policies/${DEMO_SCHOOL_ID}`, policy.json);
    }
  });

  it("[R-ATTACH-PICK] When the check recognises no student in a mail with an attachment to the GGD, then the pane lets the user choose the student, the choice travels with the mail and the check judges that student", async () => {
    // The pane reads the attachment as the handler does: readable, and it names nobody.
    const compose = reportToGgd("scan001.pdf");
    const page = await open("check", { compose });
    await page.getByText(/Over welke leerling gaat het\?/).first().waitFor();
    await noSeriousAxeViolations(page);
    // A combobox searched on the server (every student of the user's schools), not a list loaded whole.
    await pickStudent(page, "Daan Jansen", /^Over welke leerling gaat deze e-mail\?/);
    await page.getByRole("listitem").filter({ hasText: /^Daan Jansen$/ }).waitFor();
    assert.equal(await page.evaluate(() => window.__ZV_OFFICE__?.double.sessionData.get("zvStudents")), JSON.stringify({ studentIds: ["lln-003"] }));
    assert.equal(await page.getByText(/Over welke leerling gaat het\?/).count(), 0);
    await page.screenshot({ path: path.join(pane.shots, "check-named-student.png"), fullPage: true });
    await page.context().close();
  });

  async function composeRequest(studentName: string, party: string, purpose: string): Promise<{ page: Page; log: Seen }> {
    const page = await open("request", { compose: { to: [], cc: [], bcc: [], subject: "", bodyText: "", attachments: [] } });
    // Required fields: their accessible names end in an asterisk.
    await pickStudent(page, studentName);
    await page.getByRole("combobox", { name: /^Ontvangende partij/ }).selectOption({ label: party });
    await page.getByRole("combobox", { name: /^Doel/ }).selectOption({ label: purpose });
    await page.getByRole("button", { name: "Verzoek in deze e-mail zetten" }).click();
    await page.getByText(/Het verzoek staat in de e-mail|de e-mail is aan de leerling gericht/).waitFor();
    return { page, log: await seen(page) };
  }

  it("[R-LETTER-PER-HOLDER] When consent is requested for a child of divorced parents, then each parent with authority gets an own mail, never both in one To line", async () => {
    const { page, log } = await composeRequest("Noor van der Berg", "Dyslexiepraktijk Letterwijs", "Onderzoek naar dyslexie door een externe specialist");
    assert.deepEqual(log.to, ["marieke.vdberg@mail.example"]);
    assert.deepEqual(log.newMessages.map((m) => m.to), [["erik.hoekstra@mail.example"]]);
    assert.match(log.newMessages[0]?.htmlBody ?? "", /Beste Erik Hoekstra/);
    assert.match(log.body, /Beste Marieke van der Berg/);
    await page.screenshot({ path: path.join(pane.shots, "request-two-parents.png"), fullPage: true });
    await page.context().close();
  });

  it("[R-LETTER-STUDENT] When consent is requested for a 16-year-old, then the one mail goes to the student's account and addresses the student", async () => {
    const { page, log } = await composeRequest("Hüseyin Yılmaz", "Schoolmaatschappelijk werk Voorbeeldstad", "Begeleiding door schoolmaatschappelijk werk");
    assert.deepEqual(log.to, ["240130@leerling.regenboog.school.example"]);
    assert.equal(log.newMessages.length, 0);
    const body = log.body;
    assert.match(body, /Beste Hüseyin/);
    assert.match(body, /vragen wij jou zelf om toestemming/);
    await page.context().close();
  });

  it("When the pane opens on a meeting invite with an attached report, then it checks the attendees and the attachment's contents as the on-send handler does, and keeps the upload for Send", async () => {
    const pdf = makePdf("Verslag MDO over Daan Jansen, groep 7");
    const compose = {
      itemType: "appointment" as const,
      to: ["juf.anna@regenboog.school.example"],
      cc: ["jgz@ggd-voorbeeldregio.example"],
      bcc: [],
      resources: ["lokaal12@regenboog.school.example"],
      subject: "MDO",
      bodyText: "Zie bijlage.",
      attachments: [{ name: "verslag.pdf", size: pdf.length, content: { format: "base64" as const, content: pdf.toString("base64") } }],
    };
    const page = await open("check", { compose });
    // The student is only in the PDF, the GGD only an optional attendee: the pane sees both.
    await page.getByRole("listitem").filter({ hasText: /^Daan Jansen$/ }).waitFor();
    await page.getByText("jgz@ggd-voorbeeldregio.example", { exact: true }).waitFor();
    await page.getByText("lokaal12@regenboog.school.example", { exact: true }).waitFor();
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    const kept = JSON.parse((await page.evaluate(() => window.__ZV_OFFICE__?.double.sessionData.get("zvUploads"))) ?? "{}") as { a?: { n: string; h: string }[] };
    assert.deepEqual(kept.a?.map((k) => [k.n, k.h]), [["verslag.pdf", createHash("sha256").update(pdf).digest("hex")]], "the receipt is kept for the on-send check");
    await noSeriousAxeViolations(page);
    await page.screenshot({ path: path.join(pane.shots, "check-meeting-attachment.png"), fullPage: true });
    await page.context().close();
  });

  it("When a recipient is removed from the mail in the pane, then the check runs again on the changed mail", async () => {
    const compose = { to: ["team@wijkteam.voorbeeldstad.example", "juf.anna@regenboog.school.example"], cc: [], bcc: [], subject: "Verslag Daan Jansen", bodyText: "Over Daan Jansen.", attachments: [] };
    const page = await open("check", { compose });
    await page.getByText("Niet verzenden", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "team@wijkteam.voorbeeldstad.example uit de e-mail verwijderen" }).click();
    await page.getByText("team@wijkteam.voorbeeldstad.example is uit de e-mail verwijderd.").waitFor();
    await page.getByText("Mag verzonden worden", { exact: true }).first().waitFor();
    await page.context().close();
  });

  // Last in this file: it adds 30,000 students to the demo school's tenant.
  it("When the board has 30,000 students, then the pane's student combobox finds one of them by a few letters of the name and shows its school and class, and the check judges that student", async function () {
    this.timeout(400_000);
    await seedBoard(stack, DEMO_TENANT, 30_000, [
      { id: "bord-a", name: "Basisschool De Akker", brin: "11AK" },
      { id: "bord-b", name: "Basisschool Het Baken", brin: "22BK" },
    ]);
    const compose = reportToGgd("scan002.pdf");
    const page = await open("check", { compose });
    await page.getByText(/Over welke leerling gaat het\?/).first().waitFor({ timeout: 60_000 });
    // The board's last student (seedBoard puts it at the second school), far past any first page of students.
    const target = boardStudent(29_999, "bord-b");
    const name = [target.givenName, target.tussenvoegsel, target.familyName].filter(Boolean).join(" ");
    const box = page.getByRole("combobox", { name: /^Over welke leerling gaat deze e-mail\?/ });
    await box.click();
    await box.pressSequentially(target.givenName);
    const option = page.getByRole("option", { name: `${name} (Basisschool Het Baken · ${target.className})`, exact: true });
    await option.waitFor({ timeout: 30_000 });
    await noSeriousAxeViolations(page);
    await page.screenshot({ path: path.join(pane.shots, "check-student-among-30000.png"), fullPage: true });
    await option.click();
    await page.getByRole("listitem").filter({ hasText: new RegExp(`^${name}$`) }).waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => window.__ZV_OFFICE__?.double.sessionData.get("zvStudents")), JSON.stringify({ studentIds: [target.id] }));
    await page.context().close();
  });
});

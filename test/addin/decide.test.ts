import assert from "node:assert/strict";
import { completionFor, markdown } from "../../src/addin/onsend/decide.js";
import type { CheckResponse } from "../../contract/sendcheck.js";

const reasonA = "Er is geen toestemming van een ouder met gezag voor deze ontvanger.";
const reasonB = "Deze ontvanger staat niet in de lijst van partijen.";

function answer(recipients: CheckResponse["recipients"], message: string): CheckResponse {
  return {
    checkId: "chk_0123456789abcdef01234567",
    verdict: "block",
    message,
    students: [{ id: "s1", name: "Daan Jansen" }],
    recipients,
    policy: { sendMode: "soft-block", failMode: "block", sendBudgetSeconds: 20 },
  };
}

const blocked = (address: string, message: string): CheckResponse["recipients"][number] => ({
  address,
  kind: "party",
  verdict: "block",
  basis: "none",
  reasons: [{ code: "NO_CONSENT", message, studentId: "s1" }],
});

describe("The Smart Alert's text (decide.ts)", () => {
  it("When the mail has one problem, then the dialog says it once: no list item repeats the summary", () => {
    const res = answer([blocked("team@wijkteam.example", reasonA)], `Niet verzenden. team@wijkteam.example: ${reasonA}`);
    const text = markdown(res);
    assert.equal(text, `Niet verzenden. team@wijkteam.example: ${reasonA}`);
    assert.equal(text.split(reasonA).length - 1, 1);
  });

  it("When the mail has two problems, then the summary names the first and the list only the other, each item ending in \\r", () => {
    const res = answer(
      [blocked("team@wijkteam.example", reasonA), blocked("x@onbekend.example", reasonB)],
      `Niet verzenden. team@wijkteam.example: ${reasonA} (+1 ander probleem)`,
    );
    const text = markdown(res);
    assert.equal(text, `Niet verzenden. team@wijkteam.example: ${reasonA} (+1 ander probleem)\n\n- **x@onbekend.example**: ${reasonB}\r`);
  });

  it("When list items do not fit in 500 characters, then whole items are left out, never cut", () => {
    const many = Array.from({ length: 12 }, (_, i) => blocked(`ontvanger${i}@onbekend.example`, `${reasonB} (${i})`));
    const text = markdown(answer(many, "Niet verzenden."));
    assert.ok(text.length <= 500);
    assert.ok(text.endsWith("\r"));
    for (const line of text.split("\n\n")[1]?.split("\r").filter(Boolean) ?? []) assert.match(line, /^- \*\*ontvanger\d+@onbekend\.example\*\*: .+\(\d+\)$/);
  });

  it("When the verdict blocks, then the completion carries the text, the action button and the check id", () => {
    const c = completionFor(answer([blocked("team@wijkteam.example", reasonA)], `Niet verzenden. ${reasonA}`), "nl");
    assert.equal(c.allowEvent, false);
    assert.equal(c.cancelLabel, "Actie ondernemen");
    assert.equal(c.contextData, JSON.stringify({ checkId: "chk_0123456789abcdef01234567" }));
  });

  it("When two recipients have the same problem, then the dialog says the sentence once, naming both", () => {
    const res = answer(
      [blocked("a@wijkteam.example", reasonB), blocked("b@wijkteam.example", reasonB), blocked("c@ggd.example", reasonA)],
      `Niet verzenden. c@ggd.example: ${reasonA} (+2 andere problemen)`,
    );
    const text = markdown(res);
    assert.equal(text.split(reasonB).length - 1, 1, text);
    assert.equal(text.split(reasonA).length - 1, 1, text);
    assert.match(text, /- \*\*a@wijkteam\.example, b@wijkteam\.example\*\*: /);
  });

  it("When the summary cut its sentence short, then the list does not say that sentence again in full", () => {
    const long = `${reasonA} ${"Lees de uitleg in het taakvenster. ".repeat(3)}`.trim();
    const res = answer([blocked("team@wijkteam.example", long)], `Niet verzenden. team@wijkteam.example: ${long.slice(0, 80)}…`);
    assert.equal(markdown(res), res.message);
  });

  it("When the verdict warns, then the dialog is a SoftBlock (no Send Anyway) whose 'Actie ondernemen' opens the pane; only the prompt-user send mode gets Outlook's choice", () => {
    const warn = { ...answer([{ ...blocked("lpa@leerplicht.example", reasonA), verdict: "warn" as const }], `Let op. ${reasonA}`), verdict: "warn" as const };
    const c = completionFor(warn, "nl");
    assert.equal(c.allowEvent, false);
    assert.equal(c.sendModeOverride, undefined);
    assert.equal(c.cancelLabel, "Actie ondernemen");
    assert.ok((c.cancelLabel ?? "").length <= 20);
    assert.equal(c.commandId, "msgComposeCheckButton");
    assert.ok((completionFor(warn, "en").cancelLabel ?? "").length <= 20);
    const school = completionFor({ ...warn, policy: { ...warn.policy, sendMode: "prompt-user" } }, "nl");
    assert.equal(school.sendModeOverride, "promptUser");
  });
});

import assert from "node:assert/strict";
import { useStack, type Stack } from "../support/stack.js";
import { registerOf, type ConsentEvent, type ErrorBody } from "../support/api-helpers.js";
import type { ConsentRequestRecord } from "../../server/register/requests.js";
import type { OpenRequest } from "../../contract/portal.js";
import { sha256Hex } from "../../server/shared/hash.js";

/**
 * The parents' page (issue 17) over real HTTP and Azurite: the personal signed link in every letter,
 * the page without an account, an answer recorded as portal consent with its evidence, one answer per
 * link, withdrawal, altered and expired links refused, the page's own rate limit; and a reply mail
 * recorded from its request in one click, never twice.
 */

const STUDENT = "lln-002"; // two parents with authority: Marieke van der Berg and Erik Hoekstra
const PARTY = "dyslexiepraktijk";
const PURPOSE = "onderzoek-dyslexie";

async function page(stack: Stack, path: string, init: { answer?: string; lang?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: init.answer ? "POST" : "GET",
    headers: { ...(init.answer ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...init.headers },
    ...(init.answer ? { body: new URLSearchParams({ answer: init.answer, ...(init.lang ? { lang: init.lang } : {}) }).toString() } : {}),
  });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") ?? "" };
}

const pathOf = (url: string | undefined): string => {
  assert.ok(url, "the letter has a link");
  return new URL(url).pathname;
};
/** The page's text without tags (entities of the escaper decoded). */
const visible = (html: string): string =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, "\n")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe("The parents' page over HTTP", function () {
  const stack = useStack({ env: { PARENT_PAGE_RATE_PER_MINUTE: "1000" } });
  let req: ConsentRequestRecord;
  before(async () => {
    const r = await stack.api<ConsentRequestRecord>("POST", "/api/consent-requests", { studentId: STUDENT, partyId: PARTY, purposeId: PURPOSE });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    req = r.json;
  });

  it("When consent is requested, then each letter carries its own personal link, named in the letter with the date it works until", () => {
    const [a, b] = req.letters;
    assert.ok(a?.link && b?.link);
    assert.notEqual(a.link, b.link);
    for (const l of req.letters) {
      assert.ok(l.link);
      assert.ok(l.bodyText.includes(l.link), "the link is in the letter");
      assert.match(l.bodyText, /Deze link werkt tot en met \d{1,2} \w+ 20\d\d\./);
      assert.match(pathOf(l.link), /^\/api\/parents\/[0-9a-f]{16}\.dev\.[A-Za-z0-9_-]{43}$/);
    }
    assert.ok(req.linkExpiresAt && Date.parse(req.linkExpiresAt) > Date.now() + 13 * 86400_000, "valid for the policy's 14 days");
  });

  it("When a parent opens the link without any account, then the page shows exactly the stored information text, in Dutch, and in English on request", async () => {
    const link = pathOf(req.letters[0]?.link);
    const nl = await page(stack, link);
    assert.equal(nl.status, 200);
    assert.match(nl.type, /text\/html/);
    assert.match(nl.text, /<html lang="nl">/);
    const text = visible(nl.text);
    for (const line of req.informationShown.split("\n")) assert.ok(text.includes(line), `shows: ${line}`);
    assert.match(text, /Beste Marieke van der Berg/);
    assert.match(text, /U gaf hiervoor eerder al toestemming/, "her earlier email consent, with the way to withdraw it");
    assert.match(text, /Ja, ik geef toestemming/);
    assert.match(text, /Nee, ik geef geen toestemming/);
    const en = await page(stack, `${link}?lang=en`);
    assert.equal(en.status, 200);
    assert.match(en.text, /<html lang="en">/);
    assert.match(visible(en.text), /Yes, I give consent/);
    // The follow-up list sees the letter opened.
    const list = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
    const mine = list.json.requests.find((x) => x.requestId === req.requestId);
    assert.equal(mine?.letters[0]?.state, "opened");
    assert.equal(mine?.letters[1]?.state, "created");
  });

  it("[R-PARENT-PAGE] When a parent gives consent on the page, then it is recorded with method portal and its evidence, and the coordinator sees it at once", async () => {
    const link = pathOf(req.letters[0]?.link);
    const before = Date.now();
    const r = await page(stack, link, { answer: "give" });
    assert.equal(r.status, 200, r.text);
    assert.match(visible(r.text), /Uw toestemming is bewaard/);
    const reg = await registerOf(stack, STUDENT);
    const consents = reg.events.filter((e): e is ConsentEvent => e.type === "consent" && e.method === "portal");
    assert.equal(consents.length, 1);
    const c = consents[0];
    assert.ok(c);
    assert.deepEqual(c.givenBy, { guardianId: "lln-002-o1" });
    assert.equal(c.decision, "granted");
    assert.equal(c.partyId, PARTY);
    assert.equal(c.purposeId, PURPOSE);
    assert.equal(c.informationShown, req.informationShown);
    assert.equal(c.recordedBy, "parents-page");
    assert.ok(c.evidence);
    assert.equal(c.evidence.hashSource, "portal");
    assert.equal(c.evidence.requestId, req.requestId);
    assert.equal(c.evidence.sender, "marieke.vdberg@mail.example");
    assert.ok(Date.parse(c.evidence.date) >= before - 1000);
    assert.equal(
      c.evidence.sha256,
      sha256Hex(JSON.stringify({ at: c.evidence.date, decision: "granted", holder: "g:lln-002-o1", informationShown: sha256Hex(req.informationShown), requestId: req.requestId })),
    );
    const list = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests");
    const mine = list.json.requests.find((x) => x.requestId === req.requestId);
    assert.equal(mine?.letters[0]?.state, "answered");
    assert.equal(mine?.letters[0]?.decision, "granted");
  });

  it("When the same link answers again, then it is refused with a clear message and nothing more is recorded", async () => {
    const link = pathOf(req.letters[0]?.link);
    const again = await page(stack, link, { answer: "refuse" });
    assert.equal(again.status, 409);
    assert.match(visible(again.text), /Uw antwoord is al bewaard/);
    const reg = await registerOf(stack, STUDENT);
    assert.equal(reg.events.filter((e) => e.type === "consent" && e.method === "portal").length, 1);
    // The page now shows the answer and the way to withdraw, not the form.
    const view = visible((await page(stack, link)).text);
    assert.match(view, /toestemming gegeven/);
    assert.match(view, /Mijn toestemming intrekken/);
    assert.doesNotMatch(view, /Ja, ik geef toestemming/);
  });

  it("When the parent withdraws on the page, then a withdrawal is recorded (the consent stays on record), then the earlier email consent too, and then there is nothing left to withdraw", async () => {
    const link = pathOf(req.letters[0]?.link);
    const r = await page(stack, link, { answer: "withdraw" });
    assert.equal(r.status, 200, r.text);
    assert.match(visible(r.text), /Uw toestemming is ingetrokken/);
    const reg = await registerOf(stack, STUDENT);
    const consent = reg.events.find((e): e is ConsentEvent => e.type === "consent" && e.method === "portal");
    assert.ok(consent);
    const w = reg.events.filter((e) => e.type === "withdrawal" && e.consentId === consent.id);
    assert.equal(w.length, 1);
    assert.deepEqual(w[0]?.type === "withdrawal" ? w[0].by : undefined, { guardianId: "lln-002-o1" });
    // Marieke also consented by email earlier (the demo): the page withdraws that one next.
    const earlier = await page(stack, link, { answer: "withdraw" });
    assert.equal(earlier.status, 200, earlier.text);
    const after = await registerOf(stack, STUDENT);
    const emailConsent = after.events.find((e): e is ConsentEvent => e.type === "consent" && e.method === "email" && "guardianId" in e.givenBy && e.givenBy.guardianId === "lln-002-o1");
    assert.ok(emailConsent && after.events.some((e) => e.type === "withdrawal" && e.consentId === emailConsent.id));
    const again = await page(stack, link, { answer: "withdraw" });
    assert.equal(again.status, 409);
    assert.match(visible(again.text), /geen toestemming om in te trekken/);
  });

  it("When a link is altered or made up, then the page refuses it with a clear message and records nothing", async () => {
    const link = pathOf(req.letters[1]?.link);
    const flip = (c: string | undefined): string => (c === "A" ? "B" : "A");
    // One character of the MAC changed: in the middle, and the last one (whose low bits base64url does not use).
    const altered = `${link.slice(0, -10)}${flip(link.at(-10))}${link.slice(-9)}`;
    const alteredLast = `${link.slice(0, -1)}${flip(link.at(-1))}`;
    const otherId = link.replace(/parents\/[0-9a-f]{16}/, "parents/0123456789abcdef");
    const eventsBefore = (await registerOf(stack, STUDENT)).events.length;
    for (const path of [altered, alteredLast, otherId, "/api/parents/not-a-token", `${link}x`]) {
      for (const answer of [undefined, "give"]) {
        const r = await page(stack, path, answer ? { answer } : {});
        assert.equal(r.status, path.endsWith("not-a-token") || path.endsWith("x") ? 400 : 404, `${path}: ${r.status}`);
        assert.match(r.type, /text\/html/);
        assert.match(visible(r.text), /Deze link klopt niet/);
      }
    }
    assert.equal((await registerOf(stack, STUDENT)).events.length, eventsBefore);
  });

  it("When a link has expired, then the page says so and what to do, and records nothing", async () => {
    const { token } = await stack.running.services.parentLinks.issue(stack.tenantId, req.requestId, "g:lln-002-o2", new Date(Date.now() - 60_000).toISOString());
    const eventsBefore = (await registerOf(stack, STUDENT)).events.length;
    const view = await page(stack, `/api/parents/${token}`);
    assert.equal(view.status, 410);
    assert.match(visible(view.text), /Deze link is verlopen. Vraag de school om een nieuwe link/);
    const en = await page(stack, `/api/parents/${token}?lang=en`, { answer: "give" });
    assert.equal(en.status, 410);
    assert.match(visible(en.text), /This link has expired/);
    assert.equal((await registerOf(stack, STUDENT)).events.length, eventsBefore);
  });

  it("[R-ONE-MESSAGE-ONCE] When a reply mail to a request is recorded, then student, party, purpose, text and holder come from the request, and the same message cannot be recorded twice", async () => {
    const sha = "b".repeat(64);
    const body = { decision: "granted", evidence: { messageId: "<reply-1@mail.example>", sender: "Erik.Hoekstra@mail.example", date: new Date().toISOString(), sha256: sha } };
    const r = await stack.api<ConsentEvent>("POST", `/api/consent-requests/${req.requestId}/reply`, body);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.studentId, STUDENT);
    assert.equal(r.json.partyId, PARTY);
    assert.equal(r.json.purposeId, PURPOSE);
    assert.deepEqual(r.json.givenBy, { guardianId: "lln-002-o2" });
    assert.equal(r.json.method, "email");
    assert.equal(r.json.informationShown, req.informationShown);
    assert.equal(r.json.evidence?.requestId, req.requestId);
    const twice = await stack.api<ErrorBody>("POST", `/api/consent-requests/${req.requestId}/reply`, body);
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, "DUPLICATE_MESSAGE");
    // Also through the plain recording route.
    const plain = await stack.api<ErrorBody>("POST", "/api/consents", {
      studentId: STUDENT, partyId: PARTY, purposeId: PURPOSE, decision: "granted", givenBy: { guardianId: "lln-002-o2" }, method: "email", givenAt: body.evidence.date, evidence: body.evidence,
    });
    assert.equal(plain.status, 409);
    assert.equal(plain.json.error.code, "DUPLICATE_MESSAGE");
    const stranger = await stack.api<ErrorBody>("POST", `/api/consent-requests/${req.requestId}/reply`, { ...body, evidence: { ...body.evidence, messageId: "<x@y>", sender: "someone@else.example" } });
    assert.equal(stranger.status, 422);
    assert.equal(stranger.json.error.code, "NOT_A_GUARDIAN");
    const list = await stack.api<{ requests: OpenRequest[] }>("GET", "/api/consent-requests?state=answered");
    assert.ok(list.json.requests.some((x) => x.requestId === req.requestId), "both letters answered: the request is answered");
  });
});

describe("The parents' page's own rate limit", function () {
  const stack = useStack({ seedDemo: false, env: { PARENT_PAGE_RATE_PER_MINUTE: "3" } });

  it("When one address asks too often, then the page answers 429 with a clear message before looking the link up", async () => {
    const path = "/api/parents/0123456789abcdef.dev.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const statuses: number[] = [];
    let last = "";
    for (let i = 0; i < 5; i++) {
      const r = await page(stack, path);
      statuses.push(r.status);
      last = r.text;
    }
    assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
    assert.match(visible(last), /Te veel pogingen/);
  });
});

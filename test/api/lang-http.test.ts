import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { guardianActor, importStudent } from "../support/api-helpers.js";
import { ApiClient, ApiError, fieldErrors, routes } from "../../src/tab/api.js";
import { pickLang } from "../../src/tab/i18n.js";

/**
 * Server messages in the user's language (docs/RULES.md R-ERR-LANG), through the tab's own client
 * (src/tab/api.ts: the one ApiClient with the tab's language, and `fieldErrors`, which puts each field's
 * message next to its field) over real HTTP and Azurite.
 */

const GIVEN = "2026-09-01T08:00:00.000Z";

describe("Server messages in the user's language, as the tab receives them", function () {
  const stack = useStack();

  const tabClient = async (locale: string): Promise<ApiClient> => {
    const token = await stack.token();
    return new ApiClient({ baseUrl: stack.baseUrl, getToken: async () => token, lang: pickLang(null, locale) });
  };
  const failure = async (p: Promise<unknown>): Promise<ApiError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof ApiError, String(e));
      return e;
    }
    assert.fail("the call succeeded");
  };

  it("[R-ERR-LANG] When the Dutch tab records a parent without authority, or a consent ending before it was given, then the messages are Dutch; the English tab gets English", async () => {
    const s = await importStudent(stack, { guardians: [{ hasAuthority: true }, { hasAuthority: false }] });
    const nl = await tabClient("nl-NL");
    const en = await tabClient("en-GB");
    const consent = { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "granted" as const, method: "paper" as const, givenAt: GIVEN };

    const noAuthority = await failure(nl.call(routes.recordConsent, { body: { ...consent, givenBy: guardianActor(s, 1) } }));
    assert.equal(noAuthority.code, "NO_AUTHORITY");
    assert.match(noAuthority.message, /^Deze ouder heeft geen gezag \(ouder zonder gezag\)/);
    assert.doesNotMatch(noAuthority.message, /parental authority/);
    assert.match((await failure(en.call(routes.recordConsent, { body: { ...consent, givenBy: guardianActor(s, 1) } }))).message, /does not hold parental authority/);

    const early = await failure(nl.call(routes.recordConsent, { body: { ...consent, givenBy: guardianActor(s, 0), validUntil: "2026-08-01T00:00:00.000Z" } }));
    assert.equal(early.code, "VALIDATION_FAILED");
    assert.match(early.message, /^De invoer is niet geldig: validUntil\.$/);
    assert.deepEqual(fieldErrors(early), { validUntil: "moet na het moment van toestemming liggen" });
    const earlyEn = await failure(en.call(routes.recordConsent, { body: { ...consent, givenBy: guardianActor(s, 0), validUntil: "2026-08-01T00:00:00.000Z" } }));
    assert.deepEqual(fieldErrors(earlyEn), { validUntil: "must be after givenAt" });
  });

  it("[R-ERR-LANG] When a form misses a field, has a wrong type or an unknown option, then each field's message is in the user's language", async () => {
    const s = await importStudent(stack);
    const bad = { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", decision: "misschien", method: "paper", givenBy: guardianActor(s, 0), givenAt: 5 };
    const nl = fieldErrors(await failure((await tabClient("nl")).post("/api/consents", bad)));
    assert.deepEqual(nl, { decision: "kies een van: granted, refused", givenAt: "moet tekst zijn" });
    const en = fieldErrors(await failure((await tabClient("en-US")).post("/api/consents", bad)));
    assert.deepEqual(en, { decision: "choose one of: granted, refused", givenAt: "must be text" });
    const missing = fieldErrors(await failure((await tabClient("nl")).post("/api/notices", { studentId: s.id, partyId: "leerplicht" })));
    assert.equal(missing.purposeId, "is verplicht");
  });

  it("[R-ERR-LANG] When an error has no Dutch text of its own, then the Dutch user gets its code's Dutch text with the English as a technical detail", async () => {
    const r = await stack.api<{ error: { code: string; message: string } }>("GET", "/api/does-not-exist", undefined, { headers: { "accept-language": "nl" } });
    assert.equal(r.status, 404);
    assert.match(r.json.error.message, /^Niet gevonden\. \(Technisch: No route GET/);
    const en = await stack.api<{ error: { code: string; message: string } }>("GET", "/api/does-not-exist", undefined, { headers: { "accept-language": "en" } });
    assert.match(en.json.error.message, /^No route GET/);
  });
});

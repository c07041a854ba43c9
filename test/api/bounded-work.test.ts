import assert from "node:assert/strict";
import { startStack, type Stack } from "../support/stack.js";
import { check, importStudent, snapshotTables, type FreshStudent } from "../support/api-helpers.js";
import { LONG_DECOMPOSITION, MAX_EXPANSION, textTokens } from "../../server/directory/normalise.js";

/**
 * Issue 16, item 6: bounded work. Normalisation never lets one character grow more than fourfold;
 * large mails are read in a worker thread within a time budget (past it: 422 TEXT_TOO_COMPLEX, never a
 * partial reading); the anonymous routes have their own rate limit, checked before any work.
 */
describe("Bounded work: normalisation, the text worker and its budget, the anonymous limit", function () {
  it("When every code point of this Node's Unicode data is decomposed (NFKD), then each one outside LONG_DECOMPOSITION grows at most fourfold", () => {
    const over: string[] = [];
    for (let c = 0; c < 0x110000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      LONG_DECOMPOSITION.lastIndex = 0;
      if (ch.normalize("NFKD").length > MAX_EXPANSION && !LONG_DECOMPOSITION.test(ch)) over.push(c.toString(16));
    }
    assert.deepEqual(over, []);
  });

  it("When a text is 333,333 times U+FDFA (1 MB), then it reads as no words at all instead of a million", () => {
    assert.deepEqual(textTokens("\uFDFA".repeat(333_333)), []);
    // A name beside such ligatures is still read.
    assert.deepEqual(textTokens("\uFDFA Noor van der Berg \uFDFA"), ["noor", "van", "der", "berg"]);
  });

  describe("over HTTP", () => {
    let stack: Stack;
    let tight: Stack;
    let kim: FreshStudent;
    before(async () => {
      stack = await startStack({ env: { CHECK_INLINE_TEXT_CHARS: "1000", RATE_LIMIT_PER_MINUTE_ANONYMOUS: "3" } });
      tight = await startStack({ env: { CHECK_INLINE_TEXT_CHARS: "1000", CHECK_TEXT_BUDGET_MS: "10" } });
      kim = await importStudent(stack);
    });
    after(async () => {
      await stack.stop();
      await tight.stop();
    });

    it("When a 1 MB body of U+FDFA with a student's name at its very end is checked (in the worker), then the student is found", async () => {
      const r = await check(stack, { to: ["iemand@elders.example"], subject: "Verslag", body: `${"\uFDFA".repeat(333_000)} ${kim.name}` });
      assert.deepEqual(r.students.map((s) => s.id), [kim.id]);
    });

    it("When a large body cannot be read within the budget, then 422 TEXT_TOO_COMPLEX, nothing is written, and the next check works", async () => {
      const before = await snapshotTables(tight);
      const r = await tight.api("POST", "/api/check", { to: ["iemand@elders.example"], subject: "x", body: "a b. ".repeat(200_000) });
      assert.equal(r.status, 422, JSON.stringify(r.json));
      assert.equal((r.json as { error: { code: string } }).error.code, "TEXT_TOO_COMPLEX");
      assert.deepEqual(await snapshotTables(tight), before);
      // A small one is read on the event loop; a new worker takes the next large one.
      const small = await tight.api("POST", "/api/check", { to: ["iemand@elders.example"], subject: "x", body: "kort" });
      assert.equal(small.status, 200, JSON.stringify(small.json));
    });

    it("When an anonymous route is called past its limit, then 429 RATE_LIMITED with Retry-After, and signed-in routes are not affected", async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get("retry-after");
        await res.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.match(retryAfter ?? "", /^\d+$/);
      assert.equal((await stack.api("GET", "/api/me")).status, 200);
    });
  });
});

import assert from "node:assert/strict";
import { runLoad } from "../../bench/load.js";

describe("Load (smoke of bench/load.ts)", function () {
  this.timeout(60_000);
  it("When 5 clients send checks, searches and register views for 3 seconds, then there are no errors and no non-2xx answers", async () => {
    const r = await runLoad(5, 3);
    assert.ok(r.requests > 0);
    assert.equal(r.errors, 0);
    assert.equal(r.timeouts, 0);
    assert.equal(r.non2xx, 0);
  });
});

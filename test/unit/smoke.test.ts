import assert from "node:assert/strict";
import { ageOn } from "../../server/directory/domain.js";
describe("smoke", () => {
  it("When a student was born on 2010-05-01, then on 2026-04-30 they are 15", () => {
    assert.equal(ageOn("2010-05-01", new Date("2026-04-30T12:00:00Z")), 15);
  });
});

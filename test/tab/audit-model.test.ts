import assert from "node:assert/strict";
import { auditFailed, detailsText, mayReadAdminLog, pageInfo, problemCount } from "../../src/tab/audit.js";

describe("Tab: the administrative log's pages and the audit banner (pure logic)", () => {
  it("When the log has 120 entries in pages of 50, then the pages say 1-50, 51-100, 101-120 with newer and older where they exist", () => {
    assert.deepEqual(pageInfo(0, 50, 120), { from: 1, to: 50, total: 120, older: 50 });
    assert.deepEqual(pageInfo(50, 50, 120), { from: 51, to: 100, total: 120, newer: 0, older: 100 });
    assert.deepEqual(pageInfo(100, 20, 120), { from: 101, to: 120, total: 120, newer: 50 });
    assert.deepEqual(pageInfo(0, 0, 0), { from: 0, to: 0, total: 0 });
  });

  it("When the last audit failed, then the banner shows with at least one problem; ok and unchecked show none", () => {
    assert.equal(auditFailed({ state: "failed", problems: { truncated: 2, "missing-event": 1 } }), true);
    assert.equal(problemCount({ state: "failed", problems: { truncated: 2, "missing-event": 1 } }), 3);
    assert.equal(problemCount({ state: "failed", problems: {} }), 1);
    assert.equal(auditFailed({ state: "ok", problems: {} }), false);
    assert.equal(auditFailed({ state: "unchecked", problems: {} }), false);
    assert.equal(auditFailed(undefined), false);
  });

  it("When a viewer or staff member signs in, then there is no admin log; coordinators and the privacy officer have one", () => {
    assert.equal(mayReadAdminLog(["viewer"]), false);
    assert.equal(mayReadAdminLog(["staff"]), false);
    assert.equal(mayReadAdminLog(["coordinator"]), true);
    assert.equal(mayReadAdminLog(["privacy-officer"]), true);
    assert.equal(detailsText({ "students.created": 3, hold: true }, "ja", "nee"), "students.created: 3, hold: ja");
  });
});

import assert from "node:assert/strict";
import { defaultValidUntil, endOfDutchDay } from "../../server/register/service.js";
import { defaultPolicy } from "../../server/directory/domain.js";

describe("Default validity of a consent", () => {
  it("When consent is given in November, then it lasts until the end of 31 July next year, Dutch summer time", () => {
    assert.equal(defaultValidUntil(defaultPolicy("s"), new Date("2026-11-29T10:00:00Z")), "2027-07-31T21:59:59.000Z");
  });
  it("When consent is given in May, then it lasts until the end of 31 July of the same year", () => {
    assert.equal(defaultValidUntil(defaultPolicy("s"), new Date("2026-05-15T10:00:00Z")), "2026-07-31T21:59:59.000Z");
  });
  // Issue 13 changed this outcome: consent from 1 June (policy lateConsentFrom) runs to the end of the next school year.
  it("[R-VALIDITY-LATE] When consent is given in June, then it lasts until the end of 31 July of the next year", () => {
    assert.equal(defaultValidUntil(defaultPolicy("s"), new Date("2026-06-01T10:00:00Z")), "2027-07-31T21:59:59.000Z");
  });
  it("When the school year ends in winter time, then the end of day is 22:59:59 UTC", () => {
    assert.equal(endOfDutchDay(2026, 12, 31).toISOString(), "2026-12-31T22:59:59.000Z");
  });
  it("When the policy says 30 days, then the consent lasts 30 days", () => {
    const p = { ...defaultPolicy("s"), defaultValidity: "days" as const, defaultValidityDays: 30 };
    assert.equal(defaultValidUntil(p, new Date("2026-01-01T00:00:00Z")), "2026-01-31T00:00:00.000Z");
  });
});

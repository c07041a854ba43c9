import assert from "node:assert/strict";
import { dutchDate, startOfDutchDay } from "../../server/directory/domain.js";

/** The date in Amsterdam as Intl gives it for this very instant (no cache). */
const AMSTERDAM = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" });
const fresh = (t: number): [number, number, number] => {
  const p = Object.fromEntries(AMSTERDAM.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return [Number(p.year), Number(p.month), Number(p.day)];
};

describe("The Dutch calendar date of an instant (dutchDate, kept per UTC hour)", () => {
  it("When instants fall around midnight in Amsterdam and around the summer-time changes, then each gets the date Intl gives it", () => {
    const starts = [
      Date.UTC(2026, 2, 28, 20), // the night summer time starts (29 March 2026, 01:00 UTC)
      Date.UTC(2026, 9, 24, 20), // the night it ends (25 October 2026, 01:00 UTC)
      Date.UTC(2027, 0, 1, 20),
      Date.UTC(1999, 11, 31, 20),
      Date.UTC(1950, 5, 30, 20),
    ];
    for (const start of starts)
      // Every minute for 30 hours, each instant once before and once after its hour was kept.
      for (let t = start; t < start + 30 * 3_600_000; t += 60_000) {
        assert.deepEqual(dutchDate(new Date(t)), fresh(t), new Date(t).toISOString());
        assert.deepEqual(dutchDate(new Date(t + 59_999)), fresh(t + 59_999), new Date(t + 59_999).toISOString());
      }
  });

  it("When a caller changes the date it got, then the next caller of that hour gets the right one", () => {
    const at = new Date(Date.UTC(2026, 10, 30, 12));
    const d = dutchDate(at);
    d[2] = 99;
    assert.deepEqual(dutchDate(at), [2026, 11, 30]);
  });

  it("When the day starts in Amsterdam in winter and in summer, then startOfDutchDay is 23:00 or 22:00 UTC the day before", () => {
    assert.equal(startOfDutchDay("2026-01-15").toISOString(), "2026-01-14T23:00:00.000Z");
    assert.equal(startOfDutchDay("2026-07-15").toISOString(), "2026-07-14T22:00:00.000Z");
    assert.equal(startOfDutchDay("2026-03-29").toISOString(), "2026-03-28T23:00:00.000Z");
    assert.equal(startOfDutchDay("2026-03-30").toISOString(), "2026-03-29T22:00:00.000Z");
  });
});

import assert from "node:assert/strict";
import { formatDate } from "../../src/tab/i18n.js";

/**
 * The tab's dates (issue 17, the register's first rows): a formatter per language and form, not one per
 * date shown. Making an `Intl.DateTimeFormat` for every row's end date was about a tenth of the CPU of
 * rendering the register's first rows (docs/BENCHMARKS.md).
 */
describe("tab dates: one formatter per language and form", () => {
  const Real = Intl.DateTimeFormat;
  let made = 0;
  before(() => {
    // Counts the formatters made while the tab formats; each is still the real one.
    const Counting = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>): Intl.DateTimeFormat {
      made++;
      return new Real(...args);
    } as unknown as typeof Intl.DateTimeFormat;
    Object.defineProperty(Intl, "DateTimeFormat", { value: Counting, configurable: true, writable: true });
  });
  after(() => {
    Object.defineProperty(Intl, "DateTimeFormat", { value: Real, configurable: true, writable: true });
  });

  it("When 200 dates are formatted in Dutch and English, with and without the time, then at most four formatters are made and each date reads as a fresh formatter writes it", () => {
    made = 0;
    const dates = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2026, i % 12, 1 + (i % 28), 7, i)).toISOString());
    for (const lang of ["nl", "en"] as const) {
      for (const withTime of [false, true]) {
        const expected = new Real(lang === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", ...(withTime ? { timeStyle: "short" } : {}), timeZone: "Europe/Amsterdam" });
        for (const d of dates) assert.equal(formatDate(d, lang, withTime), expected.format(new Date(d)));
      }
    }
    assert.ok(made <= 4, `${made} formatters made for 200 dates`);
    assert.equal(formatDate("not a date", "nl"), "not a date");
    assert.equal(formatDate(undefined, "en"), "");
  });
});

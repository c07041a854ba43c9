import assert from "node:assert/strict";
import { ApiError } from "../../src/shared/api.js";
import { fieldErrors } from "../../src/tab/api.js";
import { hrefOf, routeFromParams } from "../../src/tab/context.js";
import { createBrowserHost, parseThemeParam, teamsHost, themeFromTeams, type TeamsSdk } from "../../src/tab/host.js";
import { pickLang, translator } from "../../src/tab/i18n.js";
import { facets, filterRows, fold, indexRows, moveActive, NO_FILTERS, sortRows, visibleRange } from "../../src/tab/model.js";
import type { OverviewRow } from "../../contract/register.js";

const row = (i: number, over: Partial<OverviewRow> = {}): OverviewRow => ({
  studentId: `s${i}`,
  name: `Leerling ${i}`,
  studentNumber: String(1000 + i),
  schoolId: i % 2 ? "a" : "b",
  className: `${i % 3}A`,
  state: (["valid", "missing", "expiring", "refused-or-withdrawn"] as const)[i % 4] ?? "valid",
  parties: i % 2 ? ["ggd"] : [],
  purposes: i % 2 ? ["jgz"] : [],
  eventCount: i % 7,
  ...over,
});

describe("tab model: search, filters, sorting, windowing", () => {
  const rows = [row(0, { name: "Zoë Bakker" }), row(1, { name: "Hüseyin Yılmaz" }), row(2, { name: "Jan de Vries", studentNumber: "X77" }), ...Array.from({ length: 20_000 }, (_, i) => row(i + 3))];
  const indexed = indexRows(rows);

  it("When searching without diacritics, then names with diacritics match", () => {
    assert.equal(fold("Zoë Çelik"), "zoe celik");
    assert.deepEqual(filterRows(indexed, { ...NO_FILTERS, query: "zoe bak" }).map((r) => r.name), ["Zoë Bakker"]);
    assert.deepEqual(filterRows(indexed, { ...NO_FILTERS, query: "huseyin" }).map((r) => r.name), ["Hüseyin Yılmaz"]);
  });

  it("When searching by student number, then that student is found", () => {
    assert.deepEqual(filterRows(indexed, { ...NO_FILTERS, query: "x77" }).map((r) => r.studentId), ["s2"]);
  });

  it("When filters are combined, then every row matches all of them", () => {
    const out = filterRows(indexed, { ...NO_FILTERS, state: "missing", partyId: "ggd", schoolId: "a", className: "0A" });
    assert.ok(out.length > 0);
    for (const r of out) assert.ok(r.state === "missing" && r.parties.includes("ggd") && r.schoolId === "a" && r.className === "0A");
  });

  it("When sorting 20,000 rows by events descending, then the order is total and fast", () => {
    const t0 = performance.now();
    const sorted = sortRows(indexed, { key: "eventCount", dir: "desc" });
    const ms = performance.now() - t0;
    for (let i = 1; i < sorted.length; i++) assert.ok((sorted[i - 1]?.row.eventCount ?? 0) >= (sorted[i]?.row.eventCount ?? 0));
    assert.ok(ms < 1500, `sorting took ${ms} ms`);
    const again = sortRows(indexed, { key: "eventCount", dir: "desc" });
    assert.deepEqual(again.map((r) => r.row.studentId), sorted.map((r) => r.row.studentId));
  });

  it("When sorting names, then Dutch collation puts numbers in numeric order", () => {
    const s = sortRows(indexRows([row(10), row(9), row(100)]), { key: "name", dir: "asc" }).map((r) => r.row.name);
    assert.deepEqual(s, ["Leerling 9", "Leerling 10", "Leerling 100"]);
  });

  it("When computing facets, then values are distinct and sorted", () => {
    const f = facets(rows.slice(0, 10));
    assert.deepEqual(f.schools, ["a", "b"]);
    assert.deepEqual(f.parties, ["ggd"]);
  });

  it("When scrolled, then only the visible window plus overscan is rendered", () => {
    assert.deepEqual(visibleRange(0, 440, 44, 10_000, 5), { start: 0, end: 15 });
    assert.deepEqual(visibleRange(44 * 5000, 440, 44, 10_000, 5), { start: 4995, end: 5015 });
    assert.deepEqual(visibleRange(44 * 20_000, 440, 44, 10_000, 5), { start: 10_000, end: 10_000 });
  });

  it("When pressing grid keys, then the active row moves and stays in range", () => {
    assert.equal(moveActive("ArrowDown", 0, 10, 5), 1);
    assert.equal(moveActive("ArrowUp", 0, 10, 5), 0);
    assert.equal(moveActive("PageDown", 8, 10, 5), 9);
    assert.equal(moveActive("End", 0, 10, 5), 9);
    assert.equal(moveActive("Home", 7, 10, 5), 0);
    assert.equal(moveActive("x", 3, 10, 5), undefined);
    assert.equal(moveActive("ArrowDown", 0, 0, 5), undefined);
  });
});

describe("tab plumbing: i18n, routes, host, errors", () => {
  it("When no language is asked, then the tab is Dutch; ?lang=en or an English Teams locale gives English", () => {
    assert.equal(pickLang(null, undefined), "nl");
    assert.equal(pickLang("en", "nl-nl"), "en");
    assert.equal(pickLang(null, "en-us"), "en");
    assert.equal(translator("en")("resultCount", { count: 3, total: 9 }), "3 of 9 students");
    assert.equal(translator("nl")("resultCount", { count: 3, total: 9 }), "3 van 9 leerlingen");
  });

  it("When a route is turned into a URL and back, then it is the same route and keeps lang and theme", () => {
    const href = hrefOf({ view: "student", id: "lln-001" }, new URLSearchParams("lang=en&theme=dark&x=1"));
    assert.equal(href, "?lang=en&theme=dark&view=student&student=lln-001");
    assert.deepEqual(routeFromParams(new URLSearchParams(href.slice(1))), { view: "student", id: "lln-001" });
    assert.deepEqual(routeFromParams(new URLSearchParams("view=student")), { view: "register" });
  });

  it("When Teams reports a theme, then it maps to light, dark or high contrast", () => {
    assert.equal(themeFromTeams("default"), "light");
    assert.equal(themeFromTeams("dark"), "dark");
    assert.equal(themeFromTeams("contrast"), "contrast");
    assert.equal(parseThemeParam("dark"), "dark");
    assert.equal(parseThemeParam("purple"), undefined);
  });

  it("When the dev theme switcher is used, then theme listeners hear it", () => {
    const host = createBrowserHost({ origin: "http://localhost", initialTheme: "light" });
    const heard: string[] = [];
    host.onThemeChange((t) => heard.push(t));
    host.setTheme("dark");
    assert.equal(host.theme(), "dark");
    assert.deepEqual(heard, ["dark"]);
    assert.equal(host.kind, "browser");
  });

  it("When a subscriber unsubscribes from the dev host's theme, then it hears no later change", () => {
    const host = createBrowserHost({ origin: "http://localhost" });
    const heard: string[] = [];
    const stop = host.onThemeChange((t) => heard.push(t));
    host.setTheme("contrast");
    stop();
    host.setTheme("dark");
    assert.deepEqual(heard, ["contrast"]);
  });

  it("When Teams changes its theme, then the Teams host reports it live through its one registration, and not after unsubscribing", () => {
    // A double of the teams-js calls the host makes: the theme change handler is kept to fire it later.
    const registered: ((theme: string) => void)[] = [];
    const sdk: TeamsSdk = {
      app: { registerOnThemeChangeHandler: (h) => void registered.push(h), notifySuccess: async () => undefined },
      authentication: { getAuthToken: async () => "teams-token" },
      pages: { config: { registerOnSaveHandler: () => undefined, setConfig: async () => undefined, setValidityState: () => undefined } },
    };
    const host = teamsHost(sdk, { theme: "default", locale: "nl-nl", frameContext: "content" });
    assert.equal(host.theme(), "light");
    assert.equal(registered.length, 1, "one registration with Teams");
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = host.onThemeChange((t) => first.push(t));
    host.onThemeChange((t) => second.push(t));
    registered[0]?.("dark");
    assert.equal(host.theme(), "dark");
    stopFirst();
    registered[0]?.("contrast");
    assert.equal(host.theme(), "contrast");
    assert.deepEqual(first, ["dark"]);
    assert.deepEqual(second, ["dark", "contrast"]);
    assert.equal(registered.length, 1, "subscribing in the UI does not register with Teams again");
  });

  it("When the server rejects a body, then its messages are keyed by field without the 'body.' prefix", () => {
    const err = new ApiError(400, "VALIDATION_FAILED", "The body is not valid", [
      { path: "body.heardBy", message: "oral consent needs who heard it" },
      { path: "body.retention.consentYears", message: "Too big" },
    ]);
    assert.deepEqual(fieldErrors(err), { heardBy: "oral consent needs who heard it", "retention.consentYears": "Too big" });
    assert.deepEqual(fieldErrors(new Error("x")), {});
  });
});

import assert from "node:assert/strict";
import { ApiError } from "../../src/shared/api.js";
import { fieldErrors } from "../../src/tab/api.js";
import { hrefOf, routeFromParams } from "../../src/tab/context.js";
import { createBrowserHost, parseThemeParam, teamsHost, themeFromTeams, type TeamsSdk } from "../../src/tab/host.js";
import { pickLang, translator } from "../../src/tab/i18n.js";
import { DEFAULT_SORT, NO_FILTERS, csvOf, filtersFromParams, fold, moveCell, paramsWith, queryOf } from "../../src/tab/model.js";

describe("tab model: the register's URL, query, keyboard and CSV", () => {
  it("When filters and sort go into the URL and back, then they are the same and lang and theme stay", () => {
    const filters = { ...NO_FILTERS, query: "van den berg", state: "missing" as const, partyId: "ggd", className: "groep 7" };
    const sort = { key: "className" as const, dir: "desc" as const };
    const p = paramsWith(new URLSearchParams("lang=en&theme=dark&view=register"), filters, sort);
    assert.equal(p.get("lang"), "en");
    assert.equal(p.get("theme"), "dark");
    assert.deepEqual(filtersFromParams(p), { filters, sort });
    // Cleared filters and the default sort leave no parameters behind.
    const cleared = paramsWith(p, NO_FILTERS, DEFAULT_SORT);
    assert.equal(cleared.toString(), "lang=en&theme=dark&view=register");
  });

  it("When the URL holds nonsense, then the filters and sort fall back to their defaults", () => {
    assert.deepEqual(filtersFromParams(new URLSearchParams("state=maybe&sort=shoe&dir=up")), { filters: NO_FILTERS, sort: DEFAULT_SORT });
  });

  it("When a student is opened from a filtered register, then the student's URL carries the filters and the way back restores them", () => {
    const current = new URLSearchParams("view=register&q=bakker&state=valid&sort=state&dir=desc&lang=en");
    const student = new URLSearchParams(hrefOf({ view: "student", id: "s1" }, current).slice(1));
    const back = new URLSearchParams(hrefOf({ view: "register" }, student).slice(1));
    assert.deepEqual(filtersFromParams(back), filtersFromParams(current));
    assert.equal(back.get("lang"), "en");
  });

  it("When the query for a page is made, then empty filters are left out and paging is explicit", () => {
    assert.deepEqual(queryOf({ ...NO_FILTERS, query: "  zoe ", schoolId: "s-a" }, DEFAULT_SORT, 200, 100), { q: "zoe", schoolId: "s-a", sort: "name", dir: "asc", offset: 200, limit: 100 });
  });

  it("When grid keys are pressed, then the active cell moves by cell, row, page and to the ends, and stays in the grid", () => {
    const at = { row: 5, col: 2 };
    assert.deepEqual(moveCell("ArrowDown", false, at, 30_000, 9, 10), { row: 6, col: 2 });
    assert.deepEqual(moveCell("ArrowRight", false, at, 30_000, 9, 10), { row: 5, col: 3 });
    assert.deepEqual(moveCell("ArrowLeft", false, { row: 5, col: 0 }, 30_000, 9, 10), { row: 5, col: 0 });
    assert.deepEqual(moveCell("ArrowUp", false, { row: 0, col: 2 }, 30_000, 9, 10), { row: -1, col: 2 }, "up from the first row is the header");
    assert.deepEqual(moveCell("ArrowUp", false, { row: -1, col: 2 }, 30_000, 9, 10), { row: -1, col: 2 });
    assert.deepEqual(moveCell("PageDown", false, at, 30_000, 9, 10), { row: 15, col: 2 });
    assert.deepEqual(moveCell("PageUp", false, at, 30_000, 9, 10), { row: 0, col: 2 });
    assert.deepEqual(moveCell("Home", false, at, 30_000, 9, 10), { row: 5, col: 0 });
    assert.deepEqual(moveCell("End", false, at, 30_000, 9, 10), { row: 5, col: 8 });
    assert.deepEqual(moveCell("End", true, at, 30_000, 9, 10), { row: 29_999, col: 2 });
    assert.deepEqual(moveCell("Home", true, at, 30_000, 9, 10), { row: 0, col: 2 });
    assert.deepEqual(moveCell("ArrowDown", false, { row: 29_999, col: 1 }, 30_000, 9, 10), { row: 29_999, col: 1 });
    assert.equal(moveCell("x", false, at, 30_000, 9, 10), undefined);
  });

  it("When rows are written as CSV, then fields with separators are quoted and formulas are defused", () => {
    assert.equal(csvOf(["Naam", "Klas"], [["Berg; Noor", "=1+1"], ["Sem", "groep 5"]]), 'Naam;Klas\r\n"Berg; Noor";"\'=1+1"\r\nSem;groep 5\r\n');
  });

  it("When folding names, then diacritics are gone", () => {
    assert.equal(fold("Zoë Çelik"), "zoe celik");
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
    // An override opened as a breach: only its check id travels in the URL (never the reason given).
    const review = hrefOf({ view: "review", override: { checkId: "chk_1", reason: "Ouders stemden in" } }, new URLSearchParams("lang=en"));
    assert.equal(review, "?lang=en&view=review&check=chk_1");
    assert.deepEqual(routeFromParams(new URLSearchParams(review.slice(1))), { view: "review", override: { checkId: "chk_1" } });
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

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RegisterPage } from "../../contract/index.js";
import { ApiClient } from "../../src/shared/api.js";
import { arrivedFirstPage, askFirstPage, firstPageSettled, takeFirstPage } from "../../src/tab/first-page.js";
import { DEFAULT_SORT, NO_FILTERS, REGISTER_PAGE, queryOf } from "../../src/tab/model.js";

/**
 * The register's first page, asked by the tab's entry before the screen's code has loaded (issue 17, the
 * first rows): a register that mounts after it arrived renders it in its first render, exactly once.
 */
describe("tab first page: asked early, taken once", () => {
  const page: RegisterPage = {
    rows: [],
    offset: 0,
    total: 30_000,
    all: 30_000,
    facets: { schools: ["s1"], classes: ["groep 4b"], parties: [], purposes: [] },
  };
  let server: Server;
  let asked = 0;
  let api: ApiClient;
  before(async () => {
    server = createServer((req, res) => {
      asked++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    api = new ApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, getToken: async () => "t" });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const first = queryOf(NO_FILTERS, DEFAULT_SORT, 0, REGISTER_PAGE);

  it("When the first page has arrived before the register mounts, then the register gets it at once, once, and the server was asked once", async () => {
    asked = 0;
    askFirstPage(api, new URLSearchParams(""));
    // Not yet arrived: nothing to render at once (the register shows it when the request answers).
    assert.equal(arrivedFirstPage(first), undefined);
    // Polled as a register mounting later would find it (no timer in the code under test).
    let got: RegisterPage | undefined;
    for (let i = 0; i < 250 && !(got = arrivedFirstPage(first)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, page);
    assert.equal(asked, 1);
    // Taken: neither way gives it a second time.
    assert.equal(arrivedFirstPage(first), undefined);
    assert.equal(takeFirstPage(first), undefined);
  });

  it("When the register opens on another query than the one asked early, then the early page is not used", async () => {
    askFirstPage(api, new URLSearchParams("state=missing"));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(arrivedFirstPage(first), undefined);
    assert.equal(takeFirstPage(first), undefined);
  });

  it("When the screen's code is ready, then its first render waits for the early page only until it arrives, or at most the given time", async () => {
    // Arrived within the wait: settled as soon as the page is there (the first render shows the rows).
    askFirstPage(api, new URLSearchParams(""));
    const t0 = Date.now();
    await firstPageSettled(10_000);
    assert.ok(Date.now() - t0 < 5_000, "settled when the page arrived, not at the end of the wait");
    assert.deepEqual(arrivedFirstPage(first), page);
    // Nothing asked (another view), or taken already: no wait at all.
    let settled = false;
    void firstPageSettled(10_000).then(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(settled, true);
    // A server that does not answer: the wait ends after the given time (then the screen shows "loading").
    const hanging = new ApiClient({ baseUrl: "http://127.0.0.1:9", getToken: async () => "t", fetchImpl: () => new Promise<Response>(() => undefined) });
    askFirstPage(hanging, new URLSearchParams(""));
    const t1 = Date.now();
    await firstPageSettled(50);
    assert.ok(Date.now() - t1 >= 45, "waited the given time");
    assert.equal(arrivedFirstPage(first), undefined);
  });
});

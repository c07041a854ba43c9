import assert from "node:assert/strict";
import { chromiumArgs } from "../support/browser.js";

describe("The headless Chromium of the browser tests and the bench", function () {
  this.timeout(30_000);

  it("When its arguments are made, then one --disable-features holds Playwright's own list and turns off the omnibox popup's WebUI renderer", async () => {
    const args = await chromiumArgs();
    const lists = args.filter((a) => a.startsWith("--disable-features="));
    assert.equal(lists.length, 1, "Chromium reads only the last --disable-features");
    const features = (lists[0] ?? "").slice("--disable-features=".length).split(",");
    // Two of Playwright's (its list, read from the command line it builds, must survive ours).
    for (const f of ["PaintHolding", "MediaRouter", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]) assert.ok(features.includes(f), f);
    assert.ok(args.includes("--headless"));
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { ENTRIES, entryBuildOptions } from "../../scripts/build.js";
import { ROUTE_REFS_FILE, routeRefsSource } from "../../scripts/route-refs.js";
import { routes as fullRoutes } from "../../contract/routes.js";
import { routes } from "../../contract/route-refs.js";

/**
 * The front ends call routes by reference (contract/route-refs.ts: method, path, body type), so their
 * bundles carry no schema library; the references are generated from the route table.
 */
describe("Architecture: the front ends' route references", function () {
  this.timeout(120_000);

  it("When the route table changes, then contract/route-refs.ts is regenerated (run `npx tsx scripts/route-refs.ts`)", () => {
    assert.equal(readFileSync(ROUTE_REFS_FILE, "utf8"), routeRefsSource());
    for (const [name, rt] of Object.entries(fullRoutes)) {
      const ref = (routes as Record<string, { method: string; path: string; bodyType: string }>)[name];
      assert.deepEqual(ref, { method: rt.method, path: rt.path, bodyType: rt.bodyType }, name);
    }
  });

  it("When the browser front ends are bundled, then no schema library (zod) and no schema module is in them", async () => {
    const found: string[] = [];
    for (const e of ENTRIES) {
      const r = await build({ ...entryBuildOptions(e, "/tmp/zv-refs"), write: false, metafile: true, minify: false });
      for (const out of Object.values(r.metafile.outputs))
        for (const input of Object.keys(out.inputs))
          if (/node_modules\/zod\//.test(input) || /^contract\/(routes|route|directory|register|sendcheck|sentitems|portal|admin|identity|retention|errors|patterns)\.ts$/.test(input))
            found.push(`${e.out}: ${input}`);
    }
    assert.deepEqual([...new Set(found.map((f) => f.replace(/node_modules\/zod\/.*/, "node_modules/zod/…")))], []);
  });
});

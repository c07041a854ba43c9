import assert from "node:assert/strict";
import { useStack } from "../support/stack.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import { SAMPLE_CSV } from "./support.js";

describe("Identity/Graph routes in the running server (dev mode)", () => {
  const stack = useStack();

  it("When a coordinator posts a CSV export to the running server, then the students are imported with counts", async () => {
    const r = await stack.api<{ result: { students: { created: number } }; warnings: unknown[] }>("POST", `/api/import/csv?schoolId=${DEMO_SCHOOL_ID}`, undefined, {
      raw: SAMPLE_CSV,
      headers: { "content-type": "text/csv" },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.result.students.created, 3);
    const found = await stack.api<{ students: { id: string }[] }>("GET", `/api/students?query=Noortje`);
    assert.equal(found.status, 200);
    assert.equal(found.json.students.length, 1);
    const staff = await stack.token("juf", ["staff"]);
    const denied = await stack.api("POST", `/api/import/csv?schoolId=${DEMO_SCHOOL_ID}`, undefined, { raw: SAMPLE_CSV, headers: { "content-type": "text/csv" }, token: staff });
    assert.equal(denied.status, 403);
  });

  it("When Graph is asked for in dev mode (no Entra app), then 503 GRAPH_ERROR says it is not configured", async () => {
    const r = await stack.api<{ error: { code: string; message: string } }>("POST", "/api/evidence/graph", { graphMessageId: "abc" });
    assert.equal(r.status, 503);
    assert.equal(r.json.error.code, "GRAPH_ERROR");
    const s = await stack.api<{ error: { code: string } }>("POST", "/api/sync/sds", {});
    assert.equal(s.status, 503);
  });

  it("When the logs of these calls are read, then they hold no names or addresses from the import", () => {
    const all = stack.logs.join("\n");
    for (const s of ["Vries", "anna@example.nl", "Noortje"]) assert.ok(!all.includes(s), `log leaks ${s}`);
  });
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { useStack } from "../support/stack.js";
import { ROLES, routes as contractRoutes, type AnyRoute } from "../../contract/index.js";
import { openapiPath } from "../../server/http/api.js";
import { API_DOC_PATH, renderApiDoc } from "../../scripts/api-docs.js";
import { routesOf, type JsonSchema, type OpenApiDoc, type Route } from "../support/api-helpers.js";

/** The OpenAPI document is generated from the route declarations: it lists every route of docs/API.md. */

const norm = (r: Route): string => `${r.method} ${r.path.replace(/\{[A-Za-z]+\}/g, "{}")}`;

describe("OpenAPI document", function () {
  const stack = useStack({ seedDemo: false });
  let doc: OpenApiDoc;
  let routes: Route[];
  before(async () => {
    const r = await stack.api<OpenApiDoc>("GET", "/api/openapi.json", undefined, { token: "" });
    assert.equal(r.status, 200);
    doc = r.json;
    routes = await routesOf(stack);
  });

  it("When /api/openapi.json is fetched without a token (or with a bad one), then it is an OpenAPI 3.1 document", async () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(typeof doc.info.title, "string");
    assert.equal(typeof doc.info.version, "string");
    const bad = await stack.api<OpenApiDoc>("GET", "/api/openapi.json", undefined, { token: "garbage" });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.openapi, "3.1.0");
  });

  it("When the route table changes, then docs/API.md is regenerated from it (npx tsx scripts/api-docs.ts)", () => {
    assert.equal(readFileSync(API_DOC_PATH, "utf8"), renderApiDoc(), "docs/API.md is stale: run npx tsx scripts/api-docs.ts");
  });

  it("When the document lists the operations, then they are exactly the contract's routes, each with its 2xx response schema and school scope", () => {
    const all = Object.values(contractRoutes) as AnyRoute[];
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(documented.sort(), all.map((r) => `${r.method.toUpperCase()} ${openapiPath(r.path)}`).sort());
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
        assert.equal(ok.length, 1, `${m} ${p}: one 2xx answer`);
        const content = (ok[0]?.[1] as { content?: Record<string, { schema?: JsonSchema }> }).content ?? {};
        const [media, body] = Object.entries(content)[0] ?? [];
        assert.ok(media && body?.schema, `${m} ${p}: a response schema`);
        const schema = body.schema as JsonSchema & { anyOf?: unknown; oneOf?: unknown };
        // Never an empty ("anything") schema at the top.
        assert.ok(schema.type ?? schema.anyOf ?? schema.oneOf, `${m} ${p}: the response schema says what the answer is`);
        if (media === "application/json" && schema.type === "object") assert.ok(schema.properties && Object.keys(schema.properties).length > 0, `${m} ${p}: properties`);
        assert.ok((op as Record<string, unknown>)["x-school-scope"], `${m} ${p}: school scope`);
      }
    }
  });

  it("When a route is in the document, then the server has it, with its role, parameters and error schema", async () => {
    for (const r of routes) {
      assert.ok([...ROLES, "any"].includes(r.role), `${r.method} ${r.path}: x-required-role ${r.role}`);
      const names = [...r.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
      const declared = (r.op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      assert.deepEqual(declared, names, `${r.method} ${r.path}: path parameters`);
      assert.ok(r.op.responses?.default, `${r.method} ${r.path}: error response`);
      // Present on the server: without a token it is 401, not 404.
      const res = await stack.api(r.method, r.path.replace(/\{[A-Za-z]+\}/g, "x"), undefined, { token: "" });
      assert.equal(res.status, 401, `${r.method} ${r.path}`);
    }
  });

  it("When a route takes a body, then the document has its request schema, and the schema accepts valid and rejects invalid requests", () => {
    const writes = routes.filter((r) => r.method !== "GET" && r.op.requestBody?.content["application/json"]);
    // Commands without a body (run the sync, send a prepared request or its due reminders, all due reminders), the CSV upload and the attachment upload (raw bytes) are the exceptions.
    assert.deepEqual(
      routes.filter((r) => r.method !== "GET" && !r.op.requestBody?.content["application/json"]).map((r) => `${r.method} ${r.path}`).sort(),
      ["POST /api/check/attachments", "POST /api/consent-reminders", "POST /api/consent-requests/{id}/remind", "POST /api/consent-requests/{id}/send", "POST /api/import/csv", "POST /api/sent-items/subscriptions", "POST /api/sent-items/sweep", "POST /api/sync/sds"],
    );
    assert.ok(routes.find((r) => r.path === "/api/import/csv")?.op.requestBody?.content["text/csv"]);
    const upload = routes.find((r) => r.path === "/api/check/attachments")?.op;
    assert.ok(upload?.requestBody?.content["application/octet-stream"]);
    // The headers that tie an upload to its check are declared, required.
    assert.deepEqual(
      (upload.parameters ?? []).filter((p) => p.in === "header").map((p) => `${p.name}:${String(p.required)}`).sort(),
      ["x-zv-check:true", "x-zv-name:true"],
    );
    assert.ok(writes.length >= 10);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const schemaOf = (key: string): JsonSchema => {
      const r = routes.find((x) => `${x.method} ${x.path}` === key);
      assert.ok(r, key);
      const s = r.op.requestBody?.content["application/json"]?.schema;
      assert.ok(s, `${key}: request schema`);
      return s;
    };
    for (const r of writes) {
      const s = schemaOf(`${r.method} ${r.path}`);
      assert.equal(r.op.requestBody?.required, true, `${r.method} ${r.path}: body required`);
      assert.equal(s.type, "object", `${r.method} ${r.path}: object schema`);
      assert.ok(s.properties && Object.keys(s.properties).length > 0, `${r.method} ${r.path}: properties`);
      assert.equal(s.additionalProperties, false, `${r.method} ${r.path}: strict`);
      ajv.compile(s);
    }
    const cases: [string, unknown, unknown][] = [
      [
        "POST /api/consents",
        { studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "granted", givenBy: { guardianId: "lln-001-o1" }, method: "paper", givenAt: "2026-09-01T08:00:00Z" },
        { studentId: "lln-001", partyId: "ggd", purposeId: "jgz-consult", decision: "maybe", givenBy: { guardianId: "lln-001-o1" }, method: "paper", givenAt: "gisteren" },
      ],
      ["POST /api/check", { to: ["a@b.example"], subject: "x", body: "y", sentAt: "2026-10-01T10:00:00Z" }, { to: "a@b.example" }],
      ["POST /api/import", { schools: [{ id: "s", name: "S", brin: "12AB" }] }, { schools: [{ id: "s/x", name: "S", brin: "12AB" }] }],
      ["POST /api/consents/{id}/withdraw", { by: { student: true }, at: "2026-09-01T08:00:00Z" }, { by: { student: false }, at: "2026-09-01T08:00:00Z" }],
      ["POST /api/checks/{id}/override", { reason: "Een reden van voldoende lengte" }, { reason: "kort" }],
    ];
    for (const [key, good, bad] of cases) {
      const validate = ajv.compile(schemaOf(key));
      assert.equal(validate(good), true, `${key} valid: ${JSON.stringify(validate.errors)}`);
      assert.equal(validate(bad), false, `${key} invalid`);
    }
  });
});

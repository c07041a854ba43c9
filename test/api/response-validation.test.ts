import assert from "node:assert/strict";
import express from "express";
import pino from "pino";
import { z } from "zod";
import { route, routes } from "../../contract/index.js";
import { ApiBuilder } from "../../server/http/api.js";
import { errorMiddleware } from "../../server/shared/errors.js";
import { assertAnswerMatchesContract } from "../support/contract-check.js";
import { listen, type Listening } from "../identity/support.js";

/** In test mode the server checks every answer against the route's declared response schema. */
describe("Answers checked against the contract", () => {
  const sample = route({
    method: "get", path: "/sample/:id", tag: "test", access: "anonymous", scope: { from: "none" },
    summary: "A route whose handler may break its promise",
    params: z.object({ id: z.string() }),
    response: z.object({ id: z.string(), count: z.number() }),
  });
  const text = route({ method: "get", path: "/hello", tag: "test", access: "anonymous", scope: { from: "none" }, summary: "Text", produces: "text", response: z.string() });
  let server: Listening;
  before(async () => {
    const api = new ApiBuilder({ defaultBodyLimit: "1kb", validateResponses: true });
    // The type would refuse a wrong answer; a handler that builds it from untyped data can still break it.
    const untyped: unknown = JSON.parse('{"id":"x","count":"three"}');
    api.implement(sample, async ({ params }) => (params.id === "bad" ? (untyped as { id: string; count: number }) : { id: params.id, count: 3 }));
    api.implement(text, async () => "hallo");
    const app = express();
    app.use("/api", api.anonymousRouter);
    app.use(errorMiddleware(pino({ level: "silent" })));
    server = await listen(app);
  });
  after(async () => server?.close());

  it("When a handler answers what its route declares, then the answer goes out unchanged", async () => {
    const r = await fetch(`${server.url}/api/sample/ok`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { id: "ok", count: 3 });
  });

  it("When a handler answers something else, then the request fails loudly with 500 RESPONSE_INVALID naming the field", async () => {
    const r = await fetch(`${server.url}/api/sample/bad`);
    assert.equal(r.status, 500);
    const body = (await r.json()) as { error: { code: string; message: string; details: { path: string }[] } };
    assert.equal(body.error.code, "RESPONSE_INVALID");
    assert.match(body.error.message, /GET \/api\/sample\/:id/);
    assert.deepEqual(body.error.details.map((d) => d.path), ["response.count"]);
  });

  it("When a route answers text, then it is sent as text/plain", async () => {
    const r = await fetch(`${server.url}/api/hello`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await r.text(), "hallo");
  });

  it("When a test receives an answer that breaks the contract, then the test helper fails", () => {
    const me = { user: "u", tenantId: "t", roles: ["coordinator"], devMode: true, graph: false, schools: "all" };
    assertAnswerMatchesContract("GET", "/api/me", 200, me);
    assert.throws(() => assertAnswerMatchesContract("GET", "/api/me", 200, { ...me, roles: ["admin"] }), /roles/);
    assert.throws(() => assertAnswerMatchesContract("GET", "/api/me", 201, me), /declared success status/);
    assert.throws(() => assertAnswerMatchesContract("GET", "/api/me", 500, { error: { code: "RESPONSE_INVALID", message: "x" } }), /does not match/);
    assert.throws(() => assertAnswerMatchesContract("GET", "/api/me", 404, { oops: true }), /error shape/);
  });

  it("When a route is declared without a response schema or with a top-level unknown, or its params differ from its path, then declaring it fails", () => {
    const base = { method: "get", tag: "t", access: "any", scope: { from: "none" }, summary: "s" } as const;
    assert.throws(() => route({ ...base, path: "/x", response: z.unknown() as never }), /response schema is required/);
    assert.throws(() => route({ ...base, path: "/x/:id", params: z.object({ other: z.string() }) as never, response: z.object({}) }), /path parameters/);
    assert.throws(() => route({ ...base, path: "/x", produces: "html", response: z.object({}) }), /html answer is a string/);
    assert.ok(routes.me.response);
  });
});

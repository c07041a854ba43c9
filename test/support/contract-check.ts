import assert from "node:assert/strict";
import { errorBody, routes, type AnyRoute } from "../../contract/index.js";

/** The contract's routes as matchers of a concrete request ("GET", "/api/students/lln-001?x=1"). */
const matchers = (Object.values(routes) as AnyRoute[]).map((r) => ({
  route: r,
  re: new RegExp(`^/api${r.path.replace(/[.]/g, "\\.").replace(/:([A-Za-z]+)/g, "[^/]+")}$`),
}));

export function routeOf(method: string, url: string): AnyRoute | undefined {
  const p = url.split("?")[0] ?? "";
  // A literal path wins over a parameter ("/students/{id}" must not take "/guardians/lookup").
  const found = matchers.filter((m) => m.route.method === method.toLowerCase() && m.re.test(p));
  return found.sort((a, b) => (a.route.path.match(/:/g)?.length ?? 0) - (b.route.path.match(/:/g)?.length ?? 0))[0]?.route;
}

/**
 * Fails the test when an answer does not match the contract: a 2xx answer of a declared route against
 * its response schema, an error against the error shape, and never the server's own RESPONSE_INVALID.
 */
export function assertAnswerMatchesContract(method: string, url: string, status: number, json: unknown): void {
  if (!url.startsWith("/api/")) return;
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code;
  assert.notEqual(code, "RESPONSE_INVALID", `${method} ${url}: the server's answer does not match its declared schema: ${JSON.stringify(json)}`);
  const route = routeOf(method, url);
  if (status >= 400) {
    // A page route (the parents' page) answers its errors as a page in the reader's language.
    const page = (json as { nonJson?: unknown } | undefined)?.nonJson;
    if (route?.produces === "html" && typeof page === "string" && /^<!doctype html>/i.test(page)) return;
    const r = errorBody.safeParse(json);
    assert.ok(r.success, `${method} ${url}: error answer not in the error shape: ${JSON.stringify(json)}`);
    return;
  }
  if (!route || status < 200 || status >= 300) return;
  assert.equal(status, route.status, `${method} ${url}: the declared success status`);
  if (route.produces !== "json") return;
  const r = route.response.safeParse(json);
  assert.ok(r.success, `${method} ${url}: answer does not match the declared schema: ${r.error?.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
}

/**
 * The BUILT handlers as Outlook runs them, in a `vm` sandbox shaped like classic Outlook's JavaScript-only
 * runtime (documented as ECMAScript 2016): no globalThis, no ES2017+ built-ins, no window, document,
 * localStorage, location or AbortController. Used for classic Outlook's onsend.js and for the browser
 * runtime's onsend-web.js alike (the browser has those built-ins, but the handlers must not need them).
 */
import assert from "node:assert/strict";
import vm from "node:vm";
import { makeEvent, type makeOffice } from "./fake-office.js";

/** Deleted from the sandbox's own built-ins before the handler loads. */
const REMOVE_ES2017_PLUS = `
  delete Object.entries; delete Object.values; delete Object.fromEntries; delete Object.getOwnPropertyDescriptors;
  delete String.prototype.padStart; delete String.prototype.padEnd; delete String.prototype.matchAll;
  delete String.prototype.replaceAll; delete String.prototype.at; delete String.prototype.trimStart; delete String.prototype.trimEnd;
  delete Promise.prototype.finally; delete Promise.allSettled; delete Promise.any;
  delete Array.prototype.flat; delete Array.prototype.flatMap; delete Array.prototype.at;
  delete globalThis.globalThis;
`;

export type SandboxHandler = (e: unknown) => void;

/** Loads a built script (as served: the config line first) into the sandbox; returns the handler Outlook would call. */
export function loadBuilt(
  code: string,
  office: ReturnType<typeof makeOffice>,
  name = "onMessageSendHandler",
  fetchImpl: typeof fetch = fetch,
  filename = "onsend.js",
): { handler: SandboxHandler; ctx: vm.Context } {
  // Outlook's event runtimes offer the legacy SSO as OfficeRuntime.auth: the double's Office.auth.
  const ctx = vm.createContext({ Office: office, OfficeRuntime: { auth: office.auth }, fetch: fetchImpl, setTimeout, clearTimeout });
  vm.runInContext(REMOVE_ES2017_PLUS, ctx);
  for (const gone of ["globalThis", "window", "document", "localStorage", "location", "AbortController", "self"])
    assert.equal(vm.runInContext(`typeof ${gone}`, ctx), "undefined", gone);
  assert.equal(vm.runInContext(`typeof "x".padStart + typeof Object.entries + typeof Promise.prototype.finally`, ctx), "undefinedundefinedundefined");
  vm.runInContext(code, ctx, { filename });
  const handler = office.associated.get(name);
  assert.equal(typeof handler, "function", "Office.actions.associate ran at load");
  return { handler: handler as unknown as SandboxHandler, ctx };
}

/** Fires one event at the handler; resolves with its first completion once it is clear there was no second. */
export async function fireOnce(handler: SandboxHandler, settleMs = 150): Promise<Record<string, unknown>> {
  const ev = makeEvent();
  handler(ev);
  const first = await ev.first;
  await new Promise((r) => setTimeout(r, settleMs));
  assert.equal(ev.calls.length, 1, "the event completed exactly once");
  return { ...first };
}

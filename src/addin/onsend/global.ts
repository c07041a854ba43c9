/**
 * The global object, found without reading `globalThis` unguarded. Classic Outlook on Windows runs this
 * handler in a JavaScript-only runtime documented as ECMAScript 2016, where `globalThis` (ES2020) may be
 * missing: reading it there throws a ReferenceError at load time, `Office.actions.associate` never runs,
 * and with SoftBlock Outlook offers "Send Anyway" for every mail. scripts/check-es2016.ts fails the build
 * on an unguarded `globalThis` or another ES2017+ built-in in the built file.
 */
export function globalObject(): Record<string, unknown> {
  if (typeof globalThis !== "undefined") return globalThis as unknown as Record<string, unknown>;
  if (typeof self !== "undefined") return self as unknown as Record<string, unknown>;
  if (typeof window !== "undefined") return window as unknown as Record<string, unknown>;
  // A sloppy-mode function's `this` is the global object; the Function constructor makes one even in a
  // strict bundle. Runtimes without eval (a page's CSP) have one of the names above.
  try {
    return Function("return this")() as Record<string, unknown>;
  } catch {
    return {};
  }
}

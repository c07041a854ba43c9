/**
 * The build's guard for classic Outlook's JavaScript-only runtime (documented as ECMAScript 2016): the
 * built on-send handler must parse as ES2016 and must not use an ES2017+ global or built-in unless a
 * `typeof` test guards it. esbuild lowers syntax to the target, but never built-ins: `globalThis`,
 * `Object.entries` or `"x".padStart` pass through and throw (or are undefined) there.
 *
 * A use counts as guarded when it is the operand of `typeof`, or when it stands in the branch of a
 * conditional (`?:`, `if`, `&&`) whose test holds `typeof` of the same name (`typeof globalThis !==
 * "undefined" ? globalThis : ...`, `typeof s.padStart === "function" && s.padStart(2)`).
 */
import { parse, type Node } from "acorn";

/** Globals that ES2016 does not have. */
export const NEWER_GLOBALS = [
  "globalThis",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "WeakRef",
  "FinalizationRegistry",
  "AggregateError",
  "Atomics",
  "SharedArrayBuffer",
] as const;

/** Static methods that ES2016 does not have, by owner. */
export const NEWER_STATICS: Record<string, readonly string[]> = {
  Object: ["entries", "values", "fromEntries", "getOwnPropertyDescriptors", "hasOwn"],
  Promise: ["allSettled", "any"],
  Symbol: ["asyncIterator"],
  Array: ["fromAsync"],
};

/** Prototype methods that ES2016 does not have (any `x.name` or `x["name"]` counts). */
export const NEWER_METHODS = [
  "padStart",
  "padEnd",
  "finally",
  "flat",
  "flatMap",
  "matchAll",
  "replaceAll",
  "at",
  "trimStart",
  "trimEnd",
  "findLast",
  "findLastIndex",
] as const;

export interface Es2016Problem {
  what: string;
  offset: number;
}

type AnyNode = Node & Record<string, unknown>;

const isNode = (x: unknown): x is AnyNode => typeof x === "object" && x !== null && typeof (x as { type?: unknown }).type === "string";

function propName(n: AnyNode): string | undefined {
  if (n.type !== "MemberExpression") return undefined;
  const p = n.property as AnyNode;
  if (!n.computed && p.type === "Identifier") return String(p.name);
  if (n.computed && p.type === "Literal" && typeof p.value === "string") return p.value;
  return undefined;
}

/** The names a test guards with `typeof`: `typeof X` gives X, `typeof a.b` gives ".b". */
function typeofGuards(test: unknown, out: Set<string> = new Set()): Set<string> {
  if (!isNode(test)) return out;
  if (test.type === "UnaryExpression" && test.operator === "typeof") {
    const arg = test.argument as AnyNode;
    if (arg.type === "Identifier") out.add(String(arg.name));
    const p = propName(arg);
    if (p) out.add("." + p);
  }
  for (const v of Object.values(test)) {
    if (Array.isArray(v)) v.forEach((c) => typeofGuards(c, out));
    else if (isNode(v)) typeofGuards(v, out);
  }
  return out;
}

/** Every unguarded ES2017+ global or built-in used by `code` (a script); throws if it is not ES2016 syntax. */
export function findEs2017Uses(code: string): Es2016Problem[] {
  const ast = parse(code, { ecmaVersion: 2016, sourceType: "script" }) as unknown as AnyNode;
  const problems: Es2016Problem[] = [];
  const globals = new Set<string>(NEWER_GLOBALS);
  const methods = new Set<string>(NEWER_METHODS);

  const visit = (n: AnyNode, guarded: ReadonlySet<string>, inTypeof: boolean): void => {
    if (n.type === "Identifier" && globals.has(String(n.name)) && !inTypeof && !guarded.has(String(n.name))) {
      problems.push({ what: String(n.name), offset: n.start });
    }
    if (n.type === "MemberExpression") {
      const name = propName(n);
      const obj = n.object as AnyNode;
      if (name && !inTypeof && !guarded.has("." + name)) {
        const owner = obj.type === "Identifier" ? String(obj.name) : "";
        const statics = NEWER_STATICS[owner];
        if (statics && statics.includes(name)) problems.push({ what: `${owner}.${name}`, offset: n.start });
        else if (methods.has(name)) problems.push({ what: `.${name}`, offset: n.start });
      }
      visit(obj, guarded, false);
      if (n.computed) visit(n.property as AnyNode, guarded, false);
      return;
    }
    if (n.type === "UnaryExpression" && n.operator === "typeof") {
      visit(n.argument as AnyNode, guarded, true);
      return;
    }
    // Branches guarded by a typeof test: `t ? a : b`, `if (t) a else b`, `t && a`.
    if (n.type === "ConditionalExpression" || n.type === "IfStatement" || (n.type === "LogicalExpression" && (n.operator === "&&" || n.operator === "||"))) {
      const test = (n.type === "LogicalExpression" ? n.left : n.test) as AnyNode;
      const g = typeofGuards(test);
      const inner = g.size ? new Set([...guarded, ...g]) : guarded;
      visit(test, guarded, false);
      for (const k of n.type === "LogicalExpression" ? ["right"] : ["consequent", "alternate"]) {
        const c = n[k];
        if (isNode(c)) visit(c, inner, false);
      }
      return;
    }
    // A property key (`{ at: 1 }`) is a name, not a use.
    for (const [k, v] of Object.entries(n)) {
      if (k === "key" && n.type === "Property" && !n.computed) continue;
      if (Array.isArray(v)) for (const c of v) isNode(c) && visit(c, guarded, false);
      else if (isNode(v)) visit(v, guarded, false);
    }
  };
  visit(ast, new Set(), false);
  return problems;
}

/** Throws with every problem listed when the built handler would not run in the ES2016 runtime. */
export function assertEs2016(code: string, file: string): void {
  let problems: Es2016Problem[];
  try {
    problems = findEs2017Uses(code);
  } catch (e) {
    throw new Error(`${file} is not ECMAScript 2016 syntax: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (problems.length) {
    const list = problems.map((p) => `  ${p.what} at offset ${p.offset}: …${code.slice(Math.max(0, p.offset - 30), p.offset + 30)}…`);
    throw new Error(
      `${file} uses ES2017+ built-ins without a typeof guard (classic Outlook's JavaScript-only runtime is ES2016):\n${list.join("\n")}`,
    );
  }
}

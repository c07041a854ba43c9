import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/**
 * docs/RULES.md is the rule book: every rule id in it has a test whose name carries the id
 * ("[R-AGE-DUTCH] When ..."), and every id a test names is in the book.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const ID = /\[(R-[A-Z0-9-]+)\]/g;

async function testFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await testFiles(p)));
    else if (/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Ids in test names: the first string argument of it(...) / describe(...). */
async function idsInTests(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const file of await testFiles(path.join(ROOT, "test"))) {
    const text = await readFile(file, "utf8");
    for (const m of text.matchAll(/\bit\(\s*(["'`])(.*?)\1/g)) {
      for (const id of (m[2] ?? "").matchAll(ID)) {
        const list = found.get(id[1] ?? "") ?? [];
        list.push(path.relative(ROOT, file));
        found.set(id[1] ?? "", list);
      }
    }
  }
  return found;
}

async function idsInBook(): Promise<string[]> {
  const text = await readFile(path.join(ROOT, "docs/RULES.md"), "utf8");
  return [...text.matchAll(/^\| (R-[A-Z0-9-]+) \|/gm)].map((m) => m[1] ?? "");
}

describe("The rule book (docs/RULES.md)", () => {
  it("[R-BOOK] When docs/RULES.md lists a rule, then a test name carries its id, and every id in a test name is in the book", async () => {
    const book = await idsInBook();
    assert.ok(book.length >= 40, `the book lists ${book.length} rules`);
    assert.equal(new Set(book).size, book.length, "every id once");
    const tests = await idsInTests();
    const untested = book.filter((id) => !tests.has(id));
    assert.deepEqual(untested, [], `rules without a test: ${untested.join(", ")}`);
    const unknown = [...tests.keys()].filter((id) => !book.includes(id));
    assert.deepEqual(unknown, [], `test ids not in docs/RULES.md: ${unknown.join(", ")}`);
  });

  it("[R-BOOK] When a rule names its test file, then that file exists and carries the id", async () => {
    const text = await readFile(path.join(ROOT, "docs/RULES.md"), "utf8");
    const tests = await idsInTests();
    for (const m of text.matchAll(/^\| (R-[A-Z0-9-]+) \|.*\| ([^|]+) \|$/gm)) {
      const id = m[1] ?? "";
      for (const file of (m[2] ?? "").split(",").map((f) => f.trim())) {
        assert.ok(tests.get(id)?.includes(file), `${id}: ${file} has no test named [${id}]`);
      }
    }
  });
});

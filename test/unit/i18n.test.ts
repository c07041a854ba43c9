import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { ENTRIES, entryBuildOptions } from "../../scripts/build.js";
import { defineCatalogue, fill, langOf, texts, type Catalogue } from "../../contract/i18n.js";
import { catalogue as tab } from "../../src/tab/i18n.js";
import { catalogue as taskpane } from "../../src/addin/taskpane/i18n.js";
import { catalogue as playground } from "../../src/playground/i18n.js";
import { catalogue as onsend } from "../../src/addin/onsend/messages.js";
import { serverTexts } from "../../server/shared/texts.js";
import { onboardingTexts } from "../../src/tab/views/onboarding/texts.js";
import { documentTexts } from "../../server/shared/document-texts.js";
import { FIELD_LABELS } from "../../src/tab/views/export/labels.js";
import { readFile } from "node:fs/promises";

/** The one translation mechanism (contract/i18n.ts) and the catalogue of every surface. */

/** Every leaf of a table: its path and its text (a function is called with placeholder arguments). */
function leaves(table: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else if (typeof v === "function") out.set(key, String((v as (...a: unknown[]) => unknown)(...Array.from({ length: v.length }, (_, i) => `ARG${i}`))));
    else for (const [k2, v2] of leaves(v, key)) out.set(k2, v2);
  }
  return out;
}
const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();

describe("One translation mechanism (contract/i18n.ts)", () => {
  it("When a catalogue is defined, then the lookup gives the table of the language and fill puts in the placeholders", () => {
    const c = defineCatalogue({ hello: "Hallo {name}", n: (k: number) => `${k} leerlingen`, deep: { x: "x" } }, { hello: "Hello {name}", n: (k: number) => `${k} students`, deep: { x: "y" } });
    assert.equal(fill(texts(c, "nl").hello, { name: "Sem" }), "Hallo Sem");
    assert.equal(texts(c, "en").n(3), "3 students");
    assert.equal(texts(c, "en").deep.x, "y");
    assert.equal(fill("{a} en {b}", { a: 1 }), "1 en {b}");
    assert.equal(fill("{toString}", {}), "{toString}");
    assert.deepEqual(["en-GB", "EN", "en-US,en;q=0.9", "nl-NL", "", undefined, null, "de", "eng"].map(langOf), ["en", "en", "en", "nl", "nl", "nl", "nl", "nl", "nl"]);
  });

  const catalogues: [string, Catalogue<unknown>][] = [
    ["tab", tab],
    ["task pane", taskpane],
    ["playground", playground],
    ["on-send handler", onsend],
    ["server", serverTexts],
    ["tab onboarding", onboardingTexts],
  ];
  for (const [name, c] of catalogues) {
    it(`When the ${name} catalogue is read, then Dutch and English have the same texts with the same placeholders, none empty`, () => {
      const nl = leaves(c.nl);
      const en = leaves(c.en);
      assert.deepEqual([...en.keys()].sort(), [...nl.keys()].sort());
      for (const [k, v] of nl) {
        assert.ok(v.trim().length > 0 && (en.get(k) ?? "").trim().length > 0, `${name} ${k} is empty`);
        assert.deepEqual(placeholders(en.get(k) ?? ""), placeholders(v), `${name} ${k}: placeholders`);
      }
    });
  }

  it("[R-WORDS] When the Dutch texts of every surface, document and letter are read, then they say ouder met gezag and voogd (never verzorger), a month (never four weeks), promise no check they cannot keep, and quote the Dutch way", async () => {
    const dutch = new Map<string, string>();
    for (const [name, c] of [...catalogues, ["documents", documentTexts] as [string, Catalogue<unknown>]]) for (const [k, v] of leaves(c.nl)) dutch.set(`${name} ${k}`, v);
    for (const [k, v] of Object.entries(FIELD_LABELS)) dutch.set(`export label ${k}`, v.nl);
    // Texts built in code: the check's reasons, the consent letters, the parents' page.
    const sources = ["server/sendcheck/messages.ts", "server/register/requests.ts", "server/portal/page.ts"];
    for (const file of sources) dutch.set(file, await readFile(path.resolve(import.meta.dirname, "../..", file), "utf8"));
    const wrong: string[] = [];
    for (const [k, v] of dutch) {
      if (/verzorger/i.test(v)) wrong.push(`${k}: verzorger`);
      if (/(vier|4) weken/i.test(v) && /binnen|termijn|antwoord/i.test(v)) wrong.push(`${k}: weeks for a month`);
      if (/geen controle (nodig|vereist)/i.test(v)) wrong.push(`${k}: a promise`);
      if (!sources.includes(k) && /(^|\s)'[^']+'|"/.test(v)) wrong.push(`${k}: straight quotes`);
    }
    assert.deepEqual(wrong, []);
  });

  it("When the on-send handler is built, then its bundle carries its own texts and no other surface's", async function () {
    this.timeout(30_000);
    const entry = ENTRIES.find((e) => e.src === "src/addin/onsend/handler.ts");
    assert.ok(entry);
    const out = await build({ ...entryBuildOptions(entry, path.join(os.tmpdir(), "zv-i18n-bundle"), { logLevel: "error" }), write: false });
    const js = out.outputFiles?.map((f) => f.text).join("\n") ?? "";
    assert.ok(js.length > 0);
    assert.ok(js.includes(texts(onsend, "nl").takeAction));
    for (const other of [texts(taskpane, "nl").encryptSend, texts(tab, "nl").appTagline, texts(playground, "nl").sendAnyway]) assert.ok(!js.includes(other), other);
  });
});

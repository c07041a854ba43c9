import assert from "node:assert/strict";
import { ExtractionPool } from "../../server/sendcheck/extract/pool.js";
import { makePdf } from "./documents.js";

describe("The extraction worker pool", function () {
  this.timeout(60_000);
  const pool = new ExtractionPool({ size: 1 });
  after(() => pool.close());

  it("When the same bytes are read twice, then both readings find the text and the caller's bytes are left whole", async () => {
    // Over 4 KB, so the Buffer owns its memory (not a slice of Node's pool): the case a transfer would empty.
    const pdf = makePdf("Verslag over Daan Jansen, groep 7. ".repeat(400));
    const length = pdf.length;
    assert.ok(pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength, "the bytes own their memory");
    const first = await pool.extract(pdf, "verslag.pdf", "application/pdf");
    assert.equal(pdf.length, length, "the caller's bytes are not emptied by the reading");
    const second = await pool.extract(pdf, "verslag.pdf", "application/pdf");
    for (const r of [first, second]) {
      assert.equal(r.status, "read");
      assert.match(r.status === "read" ? r.text : "", /Daan Jansen/);
    }
  });
});

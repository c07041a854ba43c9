import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { useStack } from "../support/stack.js";
import { snapshotTables } from "../support/api-helpers.js";
import { DEMO_SCHOOL_ID } from "../../server/demo/data.js";
import { MAX_RECORD_CHARS } from "../../server/sync/csv-import.js";
import { serverText } from "../../server/shared/texts.js";
import type { CsvImportReport } from "../../contract/index.js";

/**
 * Issue 16, item 6: the CSV import reads its body as a stream. The school is checked before a byte of
 * the body is read, the body is parsed as it arrives, and a bad body (an unclosed quote at the very end,
 * a bomb, bytes that do not decode) is a 4xx that writes nothing.
 */
const HEADER = "leerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;ouder1_naam;ouder1_email;ouder1_gezag\n";
const rows = (n: number, from = 700_000): string =>
  Array.from({ length: n }, (_, i) => `${from + i};Kind${i};;Stroom;01-02-2015;groep 3;Ouder ${i};ouder${i}@example.nl;ja\n`).join("");

describe("CSV import as a stream: the school first, memory flat, nothing written on a 4xx", function () {
  const stack = useStack({ env: { IMPORT_BODY_LIMIT: "512kb", IMPORT_BATCH_ROWS: "250" } });

  const send = async (
    schoolId: string,
    body: BodyInit,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: { error?: { code: string }; rows?: number; result?: { students: { created: number } } } }> => {
    const res = await fetch(`${stack.baseUrl}/api/import/csv?schoolId=${encodeURIComponent(schoolId)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.token()}`, "content-type": "text/csv; charset=utf-8", ...headers },
      body,
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
    return { status: res.status, json: (await res.json()) as { error?: { code: string } } };
  };

  it("When the school is not the tenant's, then 404 comes back while the body is still being sent (it is never read)", async () => {
    let pulls = 0;
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulls++;
        if (pulls === 1) controller.enqueue(new TextEncoder().encode(HEADER));
        else {
          // The rest of the body never comes until the answer is in.
          await stalled;
          controller.close();
        }
      },
    });
    const r = await send("someone-elses-school", body);
    release();
    assert.equal(r.status, 404);
    assert.equal(r.json.error?.code, "NOT_FOUND");
  });

  it("When 2,000 good rows end in an unclosed quote, then 400 VALIDATION_FAILED and no table changed", async () => {
    const before = await snapshotTables(stack);
    const r = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(2000)}9;"Kapot;;X;01-01-2015;3;;;\n`);
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error?.code, "VALIDATION_FAILED");
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When one row is longer than the record limit, then 400 and nothing is written", async () => {
    const before = await snapshotTables(stack);
    const r = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(10)}1;"${"x".repeat(MAX_RECORD_CHARS + 10)}";;X;01-01-2015;3;;;\n`);
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When the body is larger than the limit (by Content-Length, or as a gzip bomb that inflates past it), then 413 BODY_TOO_LARGE and nothing is written", async () => {
    const before = await snapshotTables(stack);
    const big = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(8000)}`);
    assert.equal(big.status, 413, JSON.stringify(big.json));
    assert.equal(big.json.error?.code, "BODY_TOO_LARGE");
    const bomb = gzipSync(Buffer.from(`${HEADER}${"\n".repeat(4 * 1024 * 1024)}`));
    assert.ok(bomb.length < 64 * 1024);
    const b = await send(DEMO_SCHOOL_ID, new Uint8Array(bomb), { "content-encoding": "gzip" });
    assert.equal(b.status, 413, JSON.stringify(b.json));
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When a body claims gzip or brotli but is not, or claims another charset, then a 4xx with its code and nothing is written", async () => {
    const before = await snapshotTables(stack);
    for (const enc of ["gzip", "br", "deflate"]) {
      const r = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(3)}`, { "content-encoding": enc });
      assert.equal(r.status, 400, `${enc}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error?.code, "BAD_ENCODING");
    }
    const latin = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(3)}`, { "content-type": "text/csv; charset=iso-8859-1" });
    assert.equal(latin.status, 415);
    const json = await send(DEMO_SCHOOL_ID, `${HEADER}${rows(3)}`, { "content-type": "application/json" });
    assert.equal(json.status, 400);
    assert.deepEqual(await snapshotTables(stack), before);
  });

  it("When a genuine gzip export arrives in many small chunks, then every row is imported", async () => {
    const text = gzipSync(Buffer.from(`\uFEFF${HEADER}${rows(1500, 800_000)}`));
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= text.length) return controller.close();
        controller.enqueue(new Uint8Array(text.subarray(at, at + 1000)));
        at += 1000;
      },
    });
    const r = await send(DEMO_SCHOOL_ID, body, { "content-encoding": "gzip" });
    assert.equal(r.status, 200, JSON.stringify(r.json).slice(0, 500));
    assert.equal(r.json.rows, 1500);
    assert.equal(r.json.result?.students.created, 1500);
  });

  it("When 600 rows are written 250 at a time with bad rows in several batches, then the counts and Dutch row errors cover the whole file, a re-import merges each batch with what is stored, and a dry run writes nothing", async () => {
    const header = "leerlingnummer;voornaam;tussenvoegsel;achternaam;geboortedatum;klas;ouder1_naam;ouder1_email;ouder1_gezag;ouder2_naam;ouder2_email;ouder2_gezag\n";
    const row = (i: number, o: { klas?: string; ouder2?: boolean } = {}): string => {
      const n = i === 550 ? 910_005 : 910_000 + i; // row 550 repeats row 5's number (another batch)
      const date = i === 60 ? "31-02-2015" : "01-02-2015";
      const second = o.ouder2 === false ? ";;" : i === 300 ? `Tweede ${i};een${i}@ouders.example;ja` : `Tweede ${i};twee${i}@ouders.example;nee`;
      return `${n};Batch${i};;Kind;${date};${o.klas ?? "groep 4"};Een ${i};een${i}@ouders.example;ja;${second}\n`;
    };
    const file = (change?: number): string => header + Array.from({ length: 600 }, (_, i) => row(i, i === change ? { klas: "groep 8", ouder2: false } : {})).join("");
    const post = (csv: string, dryRun = false) =>
      stack.api<CsvImportReport>("POST", `/api/import/csv?schoolId=${DEMO_SCHOOL_ID}${dryRun ? "&dryRun=true" : ""}`, undefined, {
        raw: csv,
        headers: { "content-type": "text/csv", "accept-language": "nl" },
      });
    const t = serverText("nl").csv;
    const first = await post(file());
    assert.equal(first.status, 200, JSON.stringify(first.json).slice(0, 500));
    assert.equal(first.json.rows, 600);
    assert.deepEqual(first.json.result.students, { created: 597, updated: 0, unchanged: 0 });
    // Line = data row + 2 (the header is line 1).
    assert.deepEqual(first.json.errors, [
      { row: 62, field: "geboortedatum", message: t.dateInvalid },
      { row: 302, field: "ouder2_email", message: t.duplicateGuardian },
      { row: 552, field: "leerlingnummer", message: t.duplicateNumber },
    ]);
    // Row 400 (the second batch) now lists one guardian and another class: the stored guardian stays.
    const again = await post(file(400));
    assert.equal(again.status, 200, JSON.stringify(again.json).slice(0, 500));
    assert.deepEqual(again.json.result.students, { created: 0, updated: 1, unchanged: 596 });
    assert.equal(again.json.guardiansKept, 1);
    assert.equal(again.json.errors.length, 3);
    const before = await snapshotTables(stack);
    const dry = await post(file(), true);
    assert.equal(dry.status, 200, JSON.stringify(dry.json).slice(0, 500));
    assert.equal(dry.json.dryRun, true);
    assert.deepEqual(dry.json.result.students, { created: 0, updated: 1, unchanged: 596 });
    const outcome = (line: number): string | undefined => dry.json.preview?.find((r) => r.row === line)?.outcome;
    assert.deepEqual([outcome(402), outcome(2), outcome(601), outcome(62)], ["changed", "unchanged", "unchanged", "error"]);
    assert.deepEqual(await snapshotTables(stack), before);
  });
});

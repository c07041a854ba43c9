/**
 * Attachment contents (issue 14 item 2), on a fresh server child:
 * - a check of a mail with a 2 MB PDF and a 200 KB .docx as the add-in makes it (both uploaded raw to
 *   POST /api/check/attachments in parallel, then POST /api/check with the receipts): p50 of the whole,
 *   the share of it spent on the uploads (transfer, extracting the text in the worker, detecting
 *   students), and the share of the extraction alone (the same two files through the server's
 *   ExtractionPool, in this process, in parallel as the server extracts them);
 * - the event-loop delay a 10 MB PDF causes: the server's own event-loop delay (perf_hooks, read from the
 *   server child) while small checks run beside its uploads, and the small checks' added latency against
 *   a quiet server (target p99 < 50 ms for both).
 * The documents are made at run time (test/sendcheck/documents.ts): a one-page PDF whose text layer is
 * the size asked, a .docx with as many paragraphs.
 */
import { makeDocx, makePdf } from "../test/sendcheck/documents.js";
import { AzuriteProcess } from "../server/shared/azurite.js";
import { fig, log, ms, stats } from "./report.js";
import { devToken, startServerChild } from "./server-child.js";
import { SMOKE } from "./config.js";
import { ExtractionPool } from "../server/sendcheck/extract/pool.js";

const TENANT = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716";
const SCHOOL = "bench-attach";
const MB = 1024 * 1024;

/** Report text about one student, repeated to about `bytes` characters. */
function reportText(bytes: number): string {
  const line = "Verslag over Daan Bench, groep 7: de leerling werkt goed mee en de ouders zijn betrokken. ";
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

/** A .docx of about `bytes` bytes: numbered notes with varied (so barely compressible) reference codes. */
function docxOf(bytes: number): Buffer {
  let seed = 7;
  const code = (): string => {
    let out = "";
    for (let i = 0; i < 24; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      out += "abcdefghijklmnopqrstuvwxyz0123456789".charAt(seed % 36);
    }
    return out;
  };
  const lines: string[] = [];
  let doc = makeDocx(["Groeidocument Daan Bench"]);
  while (doc.length < bytes) {
    for (let i = 0; i < 500; i++) lines.push(`${lines.length + 1}. Notitie ${code()} ${code()}: Daan Bench werkt goed mee.`);
    doc = makeDocx(lines);
  }
  return doc;
}

export async function runAttachments(): Promise<void> {
  const azurite = new AzuriteProcess();
  await azurite.start();
  const server = await startServerChild(azurite.connectionString);
  try {
    const token = await devToken(server.url, "ib@bench", ["coordinator", "staff"], TENANT);
    const auth = { authorization: `Bearer ${token}` };
    const imp = await fetch(`${server.url}/api/import`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        schools: [{ id: SCHOOL, name: "Bench school", brin: "98ZZ" }],
        students: [{ id: "bench-1", schoolId: SCHOOL, givenName: "Daan", familyName: "Bench", studentNumber: "900001", birthDate: "2014-03-01", className: "7" }],
      }),
    });
    if (!imp.ok) throw new Error(`import: ${imp.status} ${await imp.text()}`);

    const pdf = makePdf(reportText(2 * MB - 1000));
    const docx = docxOf(200 * 1024);
    let corr = 0;
    const upload = async (bytes: Buffer, name: string, contentType: string, correlationId: string): Promise<{ receipt: string; ms: number }> => {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/api/check/attachments`, {
        method: "POST",
        headers: { ...auth, "content-type": contentType, "x-zv-check": correlationId, "x-zv-name": encodeURIComponent(name) },
        body: new Uint8Array(bytes),
      });
      const j = (await r.json()) as { receipt?: string; status?: string };
      if (!r.ok || !j.receipt) throw new Error(`upload ${name}: ${r.status} ${JSON.stringify(j).slice(0, 200)}`);
      return { receipt: j.receipt, ms: performance.now() - t0 };
    };
    const smallCheck = async (): Promise<number> => {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/api/check`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ to: ["iemand@elders.example"], subject: "Verslag", body: "Een korte mail over Daan Bench." }),
      });
      await r.arrayBuffer();
      return performance.now() - t0;
    };

    log(`attachments: a check with a ${(pdf.length / MB).toFixed(1)} MB PDF and a ${Math.round(docx.length / 1024)} KB docx`);
    const whole: number[] = [];
    const share: number[] = [];
    let students = 0;
    for (let i = 0; i < (SMOKE ? 2 : 20); i++) {
      const correlationId = `benchattach${String(corr++).padStart(6, "0")}`;
      const t0 = performance.now();
      const [a, b] = await Promise.all([
        upload(pdf, "verslag.pdf", "application/pdf", correlationId),
        upload(docx, "groeidocument.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", correlationId),
      ]);
      const uploads = performance.now() - t0;
      const r = await fetch(`${server.url}/api/check`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({
          to: ["team@wijkteam.example"],
          subject: "Zie bijlagen",
          body: "Bijgaand de verslagen.",
          correlationId,
          attachments: [
            { name: "verslag.pdf", kind: "file", size: pdf.length, receipt: a.receipt },
            { name: "groeidocument.docx", kind: "file", size: docx.length, receipt: b.receipt },
          ],
        }),
      });
      const check = (await r.json()) as { students?: unknown[] };
      const total = performance.now() - t0;
      if (i === 0) continue; // warm-up (the worker pool starts)
      students = check.students?.length ?? 0;
      whole.push(total);
      share.push(uploads / total);
    }
    const w = stats(whole);
    const sh = stats(share);
    // The extraction alone: the same two files through the server's pool (its default size), in parallel.
    const extraction = new ExtractionPool();
    const extracted: number[] = [];
    try {
      for (let i = 0; i < (SMOKE ? 2 : 20); i++) {
        const t0 = performance.now();
        await Promise.all([extraction.extract(pdf, "verslag.pdf", "application/pdf"), extraction.extract(docx, "groeidocument.docx")]);
        if (i > 0) extracted.push(performance.now() - t0);
      }
    } finally {
      await extraction.close();
    }
    const ex = stats(extracted);
    fig(
      "Attachments",
      "Check with a 2 MB PDF and a 200 KB docx (uploads + check)",
      `p50 ${ms(w.p50)}, p99 ${ms(w.p99)}; uploads ${Math.round(sh.p50 * 100)}% of it (p50); extraction alone p50 ${ms(ex.p50)} = ${Math.round((ex.p50 / w.p50) * 100)}% of the check p50; ${students} student`,
    );

    log("attachments: small checks beside 10 MB PDF uploads");
    const big = makePdf(reportText(10 * MB - 1000));
    for (let i = 0; i < 3; i++) await smallCheck();
    await server.loopDelay(); // from here: the quiet server's event loop
    const quiet: number[] = [];
    for (let i = 0; i < (SMOKE ? 20 : 200); i++) quiet.push(await smallCheck());
    const quietLoop = await server.loopDelay();
    let running = true;
    let bigUploads = 0;
    const heavy = (async () => {
      while (running) {
        await upload(big, "dossier.pdf", "application/pdf", `benchbig${String(corr++).padStart(6, "0")}`).catch(() => undefined);
        bigUploads++;
      }
    })();
    const beside: number[] = [];
    const until = performance.now() + (SMOKE ? 2000 : 15_000);
    while (performance.now() < until || bigUploads === 0) beside.push(await smallCheck());
    const busyLoop = await server.loopDelay();
    running = false;
    await heavy;
    const q = stats(quiet);
    const b = stats(beside);
    fig(
      "Attachments",
      "Small check beside 10 MB PDF uploads, added delay",
      `p99 +${ms(Math.max(0, b.p99 - q.p99))} (quiet p99 ${ms(q.p99)}, beside p50 ${ms(b.p50)}, p99 ${ms(b.p99)}; ${beside.length} small checks, ${bigUploads} uploads)`,
      "< 50 ms p99",
      b.p99 - q.p99 < 50,
    );
    fig(
      "Attachments",
      "Server event-loop delay beside 10 MB PDF uploads",
      `p99 ${ms(busyLoop.p99Ms)}, max ${ms(busyLoop.maxMs)} (quiet p99 ${ms(quietLoop.p99Ms)}; perf_hooks, 10 ms sampling)`,
      "< 50 ms p99",
      busyLoop.p99Ms < 50,
    );
  } finally {
    await server.stop();
    await azurite.stop();
  }
}

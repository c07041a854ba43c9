import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { useStack } from "../support/stack.js";
import { makeDocx, makePdf, makePng, makeXlsx } from "./documents.js";

/**
 * Attachment contents (issue #14 item 2), over real HTTP against the real server and Azurite: the add-in
 * uploads each attachment's bytes to POST /api/check/attachments; the server extracts the text in a worker,
 * detects students and answers a signed receipt; the check counts the receipts. Unreadable attachments
 * (encrypted, a scan, a cloud link) to an outside care party follow the unreadable-attachment rule. The
 * extracted text is left nowhere: not in any table (entities decoded, gzipped ones unzipped), not in the
 * temp directory.
 */

/** Words that appear only inside the test documents, to look for afterwards. */
const MARKER = "Kwetsbaarheidsverslag Zeldzaamwoord";

interface Receipt {
  receipt: string;
  name: string;
  status: string;
  reason?: string;
  students: number;
  sha256?: string;
}
interface CheckView {
  checkId: string;
  verdict: string;
  message: string;
  students: { id: string; name: string }[];
  attachments?: { name: string; status: string; students: number }[];
  recipients: { address: string; verdict: string; reasons: { code: string; message: string }[] }[];
}

describe("Attachment contents: upload, extraction in a worker, receipts, the unreadable rule (HTTP, Azurite)", function () {
  this.timeout(60_000);
  const stack = useStack();

  async function upload(correlation: string, name: string, bytes: Buffer, user?: string): Promise<{ status: number; json: Receipt }> {
    const res = await fetch(`${stack.baseUrl}/api/check/attachments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await stack.token(user)}`,
        "content-type": "application/octet-stream",
        "x-zv-check": correlation,
        "x-zv-name": encodeURIComponent(name),
      },
      body: new Uint8Array(bytes),
    });
    return { status: res.status, json: (await res.json()) as Receipt };
  }

  const check = (body: Record<string, unknown>) => stack.api<CheckView>("POST", "/api/check", { subject: "Zie bijlage", body: "Goedemiddag, zie de bijlage.", ...body });

  it("When a PDF naming a student is attached, then its text is read and the student is detected (the mail itself names nobody)", async () => {
    const up = await upload("corr-pdf-0001", "verslag.pdf", makePdf(`${MARKER} over Jan de Vries, groep 7`));
    assert.equal(up.status, 200, JSON.stringify(up.json));
    assert.match(String(up.json.sha256), /^[0-9a-f]{64}$/, "the upload's content hash, signed into the receipt");
    assert.deepEqual({ ...up.json, receipt: undefined, sha256: undefined }, { receipt: undefined, sha256: undefined, name: "verslag.pdf", status: "read", students: 1 });
    const r = await check({
      to: ["wijkteam@wijkteam.voorbeeldstad.example"],
      correlationId: "corr-pdf-0001",
      attachments: [{ name: "verslag.pdf", size: 500, kind: "file", receipt: up.json.receipt }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.students.map((s) => s.id), ["lln-001"]);
    assert.equal(r.json.verdict, "block", "no consent for the wijkteam: 'Zie bijlage' is no longer about nobody");
    assert.deepEqual(r.json.attachments, [{ name: "verslag.pdf", status: "read", students: 1 }]);
  });

  it("When a Word document (.docx) and an Excel sheet (.xlsx) name students, then both are detected", async () => {
    const a = await upload("corr-docx-001", "groeidocument.docx", makeDocx(["Groeidocument", `${MARKER}: Noor van der Berg`]));
    const b = await upload("corr-docx-001", "klas.xlsx", makeXlsx([["Naam", "Klas"], ["Daan Jansen", "groep 6"]]));
    assert.equal(a.json.status, "read");
    assert.equal(b.json.status, "read");
    const r = await check({
      to: ["ib@regenboog.school.example"],
      correlationId: "corr-docx-001",
      attachments: [
        { name: "groeidocument.docx", kind: "file", receipt: a.json.receipt },
        { name: "klas.xlsx", kind: "file", receipt: b.json.receipt },
      ],
    });
    assert.deepEqual(r.json.students.map((s) => s.id).sort(), ["lln-002", "lln-003"]);
  });

  for (const c of [
    { name: "beveiligd.pdf", bytes: () => makePdf(`${MARKER} Jan de Vries`, { encrypted: true }), reason: "encrypted", text: /versleuteld/ },
    { name: "scan.png", bytes: makePng, reason: "image", text: /afbeelding/ },
    { name: "scan.pdf", bytes: () => makePdf("", { noText: true }), reason: "no-text", text: /geen tekst/ },
  ]) {
    it(`When an unreadable attachment (${c.reason}) goes to an outside care party, then it is a warning asking which student`, async () => {
      const up = await upload("corr-unread-01", c.name, c.bytes());
      assert.equal(up.json.status, "unreadable");
      assert.equal(up.json.reason, c.reason);
      const r = await check({ to: ["jgz@ggd-voorbeeldregio.example"], correlationId: "corr-unread-01", attachments: [{ name: c.name, kind: "file", receipt: up.json.receipt }] });
      assert.equal(r.json.verdict, "warn");
      const reason = r.json.recipients[0]?.reasons.find((x) => x.code === "ATTACHMENT_UNREADABLE");
      assert.ok(reason, JSON.stringify(r.json.recipients));
      assert.match(reason.message, c.text);
      assert.match(reason.message, /Over welke leerling gaat het\?/);
    });
  }

  it("[R-ATTACH-UNREADABLE] When a cloud attachment (a link) goes to an outside party, then the unreadable rule applies with the link named", async () => {
    const url = "https://regenboog-my.sharepoint.example/personal/ib/Documents/verslag.docx";
    const r = await check({ to: ["jgz@ggd-voorbeeldregio.example"], attachments: [{ name: "verslag.docx", kind: "cloud", url }] });
    assert.equal(r.json.verdict, "warn");
    const reason = r.json.recipients[0]?.reasons.find((x) => x.code === "ATTACHMENT_UNREADABLE");
    assert.ok(reason?.message.includes(url), reason?.message);
  });

  it("When an attachment is over the cap (10 MB by default), then it is not read and counts as unreadable", async () => {
    const up = await upload("corr-large-01", "groot.txt", Buffer.alloc(10 * 1024 * 1024 + 10, 0x61));
    assert.equal(up.status, 200);
    assert.equal(up.json.status, "too-large");
    const r = await check({ to: ["jgz@ggd-voorbeeldregio.example"], correlationId: "corr-large-01", attachments: [{ name: "groot.txt", kind: "file", receipt: up.json.receipt }] });
    assert.match(r.json.recipients[0]?.reasons.find((x) => x.code === "ATTACHMENT_UNREADABLE")?.message ?? "", /grens per bijlage/);
  });

  it("When a receipt belongs to another user or another check, or is forged, then the attachment counts as not read", async () => {
    const up = await upload("corr-other-01", "verslag.pdf", makePdf("Jan de Vries"), "someone-else@demo");
    const forged = `${up.json.receipt.split(".")[0] ?? ""}.AAAA`;
    for (const [receipt, correlationId] of [
      [up.json.receipt, "corr-other-01"],
      [up.json.receipt, "corr-other-02"],
      [forged, "corr-other-01"],
    ] as const) {
      const r = await check({ to: ["jgz@ggd-voorbeeldregio.example"], correlationId, attachments: [{ name: "verslag.pdf", kind: "file", receipt }] });
      assert.deepEqual(r.json.students, []);
      assert.deepEqual(r.json.attachments, [{ name: "verslag.pdf", status: "not-sent", students: 0 }]);
      assert.equal(r.json.verdict, "warn");
    }
  });

  it("When the upload names no check or no file, then 400 VALIDATION_FAILED and nothing is read", async () => {
    const res = await fetch(`${stack.baseUrl}/api/check/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.token()}`, "x-zv-name": "a.pdf" },
      body: new Uint8Array(makePdf("x")),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "VALIDATION_FAILED");
  });

  it("When attachments were read, then no table holds their text (stored entities decoded, gzipped ones unzipped) and no temp file does", async () => {
    const before = new Set(await readdir(tmpdir()));
    const up = await upload("corr-trace-01", "verslag.pdf", makePdf(`${MARKER} Jan de Vries`));
    // A blocked recording check (mode send) is stored (with a large recipient list, gzipped): it must still hold no text.
    const many = Array.from({ length: 400 }, (_, i) => `onbekend${i}@elders-${i}.example`);
    const r = await stack.api<CheckView>(
      "POST",
      "/api/check",
      {
        subject: "Zie bijlage",
        body: "Goedemiddag, zie de bijlage.",
        to: ["jgz@ggd-voorbeeldregio.example", ...many],
        correlationId: "corr-trace-01",
        attachments: [{ name: "verslag.pdf", kind: "file", receipt: up.json.receipt }],
        mode: "send",
      },
      { headers: { "idempotency-key": "zv-send-trace-attachments-01" } },
    );
    assert.equal(r.json.verdict, "block");
    const service = TableServiceClient.fromConnectionString(stack.azurite.connectionString, { allowInsecureConnection: true });
    const prefix = stack.running.storage.tableName("Checks").replace(/Checks$/, "");
    let scanned = 0;
    let gzipped = 0;
    for await (const t of service.listTables()) {
      if (!t.name?.startsWith(prefix)) continue;
      const client = TableClient.fromConnectionString(stack.azurite.connectionString, t.name, { allowInsecureConnection: true });
      for await (const e of client.listEntities()) {
        scanned++;
        const chunks: Buffer[] = [];
        for (const [k, v] of Object.entries(e)) {
          if (typeof v === "string") assert.ok(!v.includes("Kwetsbaarheid") && !v.includes("Zeldzaamwoord"), `${t.name}.${k}`);
          if (v instanceof Uint8Array && /^z\d+$/.test(k)) chunks.push(Buffer.from(v));
        }
        if (chunks.length > 0) {
          gzipped++;
          const text = gunzipSync(Buffer.concat(chunks)).toString("utf8");
          assert.ok(!text.includes("Kwetsbaarheid") && !text.includes("Zeldzaamwoord"), `${t.name} (gzipped)`);
        }
      }
    }
    assert.ok(scanned > 0 && gzipped > 0, `scanned ${scanned} entities, ${gzipped} gzipped`);
    for (const f of await readdir(tmpdir())) {
      if (before.has(f)) continue;
      const p = path.join(tmpdir(), f);
      const st = await stat(p).catch(() => undefined);
      if (!st?.isFile() || st.size > 50_000_000) continue;
      const content = await readFile(p).catch(() => Buffer.alloc(0));
      assert.ok(!content.includes("Zeldzaamwoord"), `temp file ${f}`);
    }
    for (const line of stack.logs) assert.ok(!line.includes("Zeldzaamwoord") && !line.includes("verslag.pdf"), "the log holds neither text nor file name");
  });
});

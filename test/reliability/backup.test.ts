import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import { startStack, type Stack } from "../support/stack.js";
import { assertError, tableClient, type RegisterView } from "../support/api-helpers.js";
import { changedTables, leaver, paperConsent, snapshot } from "./support.js";
import { encryptBackup, encryptWholeBackup, exportTenant, openStoredBackup, type BackupRow, type TenantBackup } from "../../server/backup/service.js";
import { BackupKeys } from "../../server/backup/crypto.js";
import { key } from "../../server/shared/storage.js";
import { loadConfig } from "../../server/config.js";
import { main as backupScript, RESTORE_MOVED } from "../../scripts/backup.js";
import type { AdminLogResponse, ApprovalRecord } from "../../contract/admin.js";

const OTHER_TENANT = "3c4d5e6f-7a8b-4c9d-8e0f-a1b2c3d4e5f6";
const b64 = (): string => randomBytes(32).toString("base64");
const total = (b: TenantBackup): number => Object.values(b.counts).reduce((n: number, c) => n + (c ?? 0), 0);

/**
 * Issue 16, written as the attack: a restore goes through the API with a second person's approval,
 * only into the tenant the backup names, row by row, never over existing history; backups are
 * AES-256-GCM with rotatable keys and written 0600.
 */
describe("Tenant backup and restore: encrypted, four eyes, row by row", function () {
  this.timeout(90_000);
  let stack: Stack;
  let dir: string;
  const OLD = b64();
  const NEW = b64();
  /** The server decrypts with both keys and encrypts with k2: k1 was rotated out but still reads. */
  const SERVER_KEYS = `k2:${NEW},k1:${OLD}`;
  const oldKeys = BackupKeys.parse(`k1:${OLD}`);
  let backup: TenantBackup;
  let ib: string; // proposes
  let po: string; // the privacy officer: approves
  let schoolCoord: string;
  const put = (name: string, text: string): string => {
    writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    return name;
  };
  const propose = (name: string, token = ib) =>
    stack.api<ApprovalRecord>("POST", "/api/approvals", { kind: "restore", backup: name, reason: "Herstel na verlies van gegevens" }, { token });
  const eventsOf = async (studentId: string) =>
    stack.running.storage.list("Events", odata`PartitionKey eq ${key(stack.tenantId, studentId)}`);
  /** What an attacker with the storage key does: a student's whole register partition gone. */
  const dropPartition = async (studentId: string) => {
    const t = tableClient(stack, "Events");
    for (const e of await eventsOf(studentId)) await t.deleteEntity(String(e.partitionKey), String(e.rowKey));
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "zv-backup-"));
    stack = await startStack({ env: { BACKUP_DIR: dir, BACKUP_KEYS: SERVER_KEYS } });
    ib = await stack.token("ib@demo", ["coordinator"]);
    po = await stack.token("fg@demo", ["privacy-officer"]);
    schoolCoord = await stack.token("ib-school@demo", ["coordinator"], stack.tenantId, ["een-school"]);
    const imp = await stack.api("POST", "/api/import", { students: ["bak-1", "bak-2"].map((id) => ({ ...leaver(id, undefined), birthDate: "2015-03-01" })) });
    assert.equal(imp.status, 200, JSON.stringify(imp.json));
    for (const s of ["bak-1", "bak-2"]) {
      const c = await stack.api("POST", "/api/consents", paperConsent(s, "2026-09-01T10:00:00Z"));
      assert.equal(c.status, 201, JSON.stringify(c.json));
    }
    backup = await exportTenant(stack.running.storage, stack.tenantId);
    put("goed.zvbackup", await encryptBackup(oldKeys, backup));
  });
  after(async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("When a backup file is altered, made with a wrong or unknown key, holds a row of another tenant or a rewritten event, or is another tenant's, then the proposal is refused with its code and nothing changes", async () => {
    const [header = "", ...chunks] = readFileSync(path.join(dir, "goed.zvbackup"), "utf8").trimEnd().split("\n");
    const sealed = JSON.parse(chunks[0] ?? "") as { data: string };
    const bytes = Buffer.from(sealed.data, "base64");
    const at = Math.floor(bytes.length / 2);
    bytes.writeUInt8((bytes.readUInt8(at) ^ 0x01) & 0xff, at);
    const file = (head: string, body: string[]): string => [head, ...body].join("\n") + "\n";
    const withRows = (table: "Students" | "Events", edit: (rows: BackupRow[]) => BackupRow[]): TenantBackup => ({
      ...backup,
      tables: { ...backup.tables, [table]: edit(structuredClone(backup.tables[table] ?? [])) },
    });
    const foreignRow = withRows("Students", (rows) => [...rows, { ...(rows[0] as BackupRow), partitionKey: key(OTHER_TENANT) }]);
    const rewritten = withRows("Events", (rows) => {
      const ev = rows.find((r) => r.partitionKey === key(stack.tenantId, "bak-1") && r.rowKey !== "HEAD") as BackupRow;
      ev.data = String(ev.data).replace('"granted"', '"refused"');
      return rows;
    });
    const cases: [string, string, number][] = [
      [put("gewijzigd.zvbackup", file(header, [JSON.stringify({ ...sealed, data: bytes.toString("base64") }), ...chunks.slice(1)])), "BACKUP_DECRYPT_FAILED", 422],
      [put("kop-gewijzigd.zvbackup", file(JSON.stringify({ ...(JSON.parse(header) as object), tenantId: OTHER_TENANT }), chunks)), "BACKUP_DECRYPT_FAILED", 422],
      [put("verkeerde-sleutel.zvbackup", await encryptBackup(BackupKeys.parse(`k1:${b64()}`), backup)), "BACKUP_DECRYPT_FAILED", 422],
      [put("onbekende-sleutel.zvbackup", await encryptBackup(BackupKeys.parse(`k9:${b64()}`), backup)), "BACKUP_KEY_UNKNOWN", 422],
      [put("vreemde-rij.zvbackup", await encryptBackup(oldKeys, foreignRow)), "BACKUP_ROW_INVALID", 422],
      [put("herschreven.zvbackup", await encryptBackup(oldKeys, rewritten)), "BACKUP_ROW_INVALID", 422],
      // A partition's rows apart (a restore plans and writes them as they come): the first row moved to the end.
      [put("rijen-verspreid.zvbackup", await encryptBackup(oldKeys, withRows("Students", (rows) => {
        // A row of a partition with more rows, not the last partition, moved to the end: that partition comes twice.
        const i = rows.findIndex((r, k) => r.partitionKey === rows[k + 1]?.partitionKey && r.partitionKey !== rows[rows.length - 1]?.partitionKey);
        assert.ok(i >= 0, "a partition of two rows before the last");
        return [...rows.slice(0, i), ...rows.slice(i + 1), ...rows.slice(i, i + 1)];
      }))), "BACKUP_ROW_INVALID", 422],
      [put("andere-tenant.zvbackup", await encryptBackup(oldKeys, { ...backup, tenantId: OTHER_TENANT })), "BACKUP_WRONG_TENANT", 422],
      [put("onversleuteld.json", JSON.stringify(backup)), "BACKUP_INVALID", 422],
      ["bestaat-niet.zvbackup", "NOT_FOUND", 404],
    ];
    const before = await snapshot(stack.running.storage);
    for (const [name, code, status] of cases) assertError(await propose(name), status, code);
    assertError(await propose("../goed.zvbackup"), 400, "VALIDATION_FAILED");
    // A restore touches every school: a coordinator of one school may not ask for it.
    assertError(await propose("goed.zvbackup", schoolCoord), 403, "FORBIDDEN");
    assert.deepEqual(changedTables(before, await snapshot(stack.running.storage)), []);
    // The list shows this tenant's backups only (from their headers).
    const list = await stack.api<{ backups: { name: string; keyId: string }[] }>("GET", "/api/backups", undefined, { token: po });
    assert.equal(list.status, 200);
    const names = list.json.backups.map((b) => b.name);
    assert.ok(names.includes("goed.zvbackup") && !names.includes("andere-tenant.zvbackup") && !names.includes("onversleuteld.json"), names.join());
    assert.equal(list.json.backups.find((b) => b.name === "goed.zvbackup")?.keyId, "k1");
  });

  it("When chunks of a chunked backup are altered, swapped, repeated or cut off, then the proposal is refused with its code and nothing changes, a reading yields the rows of the chunks before the bad one only, and a second reading refuses chunks other than the first's", async () => {
    const text = await encryptBackup(oldKeys, backup, 5);
    const [header = "", ...chunks] = text.trimEnd().split("\n");
    assert.ok(chunks.length >= 5, `${chunks.length} chunks`);
    const file = (body: string[]): string => [header, ...body].join("\n") + "\n";
    const flipped = (line: string): string => {
      const c = JSON.parse(line) as { data: string };
      const bytes = Buffer.from(c.data, "base64");
      bytes.writeUInt8(bytes.readUInt8(0) ^ 0x01, 0);
      return JSON.stringify({ ...c, data: bytes.toString("base64") });
    };
    const [c0 = "", c1 = "", c2 = "", c3 = ""] = chunks;
    const last = chunks.length - 1;
    const cases: [string, string, string][] = [
      ["een-deel-gewijzigd.zvbackup", file([c0, c1, c2, flipped(c3), ...chunks.slice(4)]), "BACKUP_DECRYPT_FAILED"],
      ["delen-verwisseld.zvbackup", file([c0, c2, c1, ...chunks.slice(3)]), "BACKUP_DECRYPT_FAILED"],
      ["deel-herhaald.zvbackup", file([c0, c1, c1, ...chunks.slice(2)]), "BACKUP_DECRYPT_FAILED"],
      ["deel-weg.zvbackup", file([c0, ...chunks.slice(2)]), "BACKUP_DECRYPT_FAILED"],
      ["afgekapt.zvbackup", file(chunks.slice(0, last)), "BACKUP_TRUNCATED"],
      ["afgekapt-midden.zvbackup", file(chunks.slice(0, 3)), "BACKUP_TRUNCATED"],
      ["alleen-kop.zvbackup", file([]), "BACKUP_TRUNCATED"],
      ["slot-vervroegd.zvbackup", file([c0, chunks[last] ?? "", c1]), "BACKUP_DECRYPT_FAILED"],
      ["deel-van-ander-bestand.zvbackup", file([c0, (await encryptBackup(oldKeys, backup, 5)).split("\n")[2] ?? "", ...chunks.slice(2)]), "BACKUP_DECRYPT_FAILED"],
    ];
    const before = await snapshot(stack.running.storage);
    for (const [name, body, code] of cases) assertError(await propose(put(name, body)), 422, code);
    assert.deepEqual(changedTables(before, await snapshot(stack.running.storage)), []);
    // Chunk by chunk: the rows of the three good chunks come, then the altered fourth stops the reading.
    const opened = await openStoredBackup(oldKeys, path.join(dir, "een-deel-gewijzigd.zvbackup"));
    let yielded = 0;
    await assert.rejects(async () => {
      for await (const _ of opened.rows) yielded++;
    }, /does not decrypt/);
    assert.equal(yielded, 15);
    // An approved restore reads the file twice; the second reading, which writes, must meet the very chunks
    // the first one checked (their tags): the same backup made again (same rows, new nonces) is refused.
    const first = await openStoredBackup(oldKeys, path.join(dir, put("gelezen.zvbackup", text)));
    for await (const _ of first.rows);
    const { tags } = first.read();
    const again = await openStoredBackup(oldKeys, path.join(dir, "gelezen.zvbackup"), tags);
    for await (const _ of again.rows);
    put("gelezen.zvbackup", await encryptBackup(oldKeys, backup, 5));
    await assert.rejects(openStoredBackup(oldKeys, path.join(dir, "gelezen.zvbackup"), tags), /changed while it was being restored/);
    // The same backup, whole and in order, is accepted (a proposal checks every row against the store).
    const ok = await propose(put("in-delen.zvbackup", text));
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
    assert.equal((await stack.api("POST", `/api/approvals/${ok.json.id}/reject`, { reason: "Alleen een proef" }, { token: po })).status, 200);
  });

  it("When a backup of the older format (one tag over the whole file) is proposed, then it is still read and checked row by row", async () => {
    const ok = await propose(put("oud-formaat.zvbackup", encryptWholeBackup(oldKeys, backup)));
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
    assert.equal((await stack.api("POST", `/api/approvals/${ok.json.id}/reject`, { reason: "Alleen een proef" }, { token: po })).status, 200);
    const list = await stack.api<{ backups: { name: string; counts: Record<string, number> }[] }>("GET", "/api/backups", undefined, { token: po });
    const counts = list.json.backups.find((b) => b.name === "oud-formaat.zvbackup")?.counts;
    assert.deepEqual(counts, list.json.backups.find((b) => b.name === "goed.zvbackup")?.counts);
    assert.equal(Object.values(counts ?? {}).reduce((n, c) => n + c, 0), total(backup));
    const bytes = Buffer.from((JSON.parse(readFileSync(path.join(dir, "oud-formaat.zvbackup"), "utf8")) as { data: string }).data, "base64");
    bytes.writeUInt8(bytes.readUInt8(0) ^ 0x01, 0);
    const sealed = JSON.parse(readFileSync(path.join(dir, "oud-formaat.zvbackup"), "utf8")) as object;
    assertError(await propose(put("oud-gewijzigd.zvbackup", JSON.stringify({ ...sealed, data: bytes.toString("base64") }))), 422, "BACKUP_DECRYPT_FAILED");
  });

  it("[R-FOUR-EYES] When a lost register is restored, then nothing happens until a second person approves, and then the chain is back and the administrative log names both people", async () => {
    await dropPartition("bak-1");
    // And the student's directory record (a row of a shared partition, restored on its own).
    const [studentRow] = (await stack.running.storage.list("Students", odata`RowKey eq ${"bak-1"}`)).filter((e) => String(e.partitionKey).startsWith(stack.tenantId));
    assert.ok(studentRow, "the student's directory row");
    await tableClient(stack, "Students").deleteEntity(String(studentRow.partitionKey), "bak-1");
    stack.running.services.directory.invalidate(stack.tenantId);
    assert.equal((await stack.api("GET", "/api/students/bak-1", undefined, { token: po })).status, 404);
    const before = await snapshot(stack.running.storage);
    const prop = await propose("goed.zvbackup");
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    assert.equal(prop.json.state, "proposed");
    assert.match(prop.json.backupSha256 ?? "", /^[0-9a-f]{64}$/);
    // Asked for is not done; the proposer cannot approve it alone.
    assertError(await stack.api("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord van mijzelf" }, { token: ib }), 403, "SECOND_PERSON_REQUIRED");
    const mid = await snapshot(stack.running.storage);
    assert.deepEqual(changedTables(before, mid).filter((t) => t !== "Meta" && t !== "AdminLog"), [], "only the proposal was recorded");
    assert.equal((await eventsOf("bak-1")).length, 0);
    const ok = await stack.api<ApprovalRecord>("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Verlies vastgesteld, akkoord" }, { token: po });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.state, "executed");
    assert.equal(ok.json.result?.chainsRestored, 1);
    assert.equal(ok.json.result?.verified, true);
    assert.equal((await stack.api("GET", "/api/students/bak-1", undefined, { token: po })).status, 200);
    assert.equal(ok.json.result?.unsealedHeads, 0);
    const reg = (await stack.api<RegisterView>("GET", "/api/students/bak-1/register", undefined, { token: po })).json;
    assert.equal(reg.chain.verified, true);
    assert.ok(reg.events.some((e) => e.type === "consent"));
    const log = (await stack.api<AdminLogResponse>("GET", "/api/admin-log", undefined, { token: po })).json;
    assert.equal(log.verified, true, JSON.stringify(log.problems));
    const entry = log.entries.find((e) => e.action === "restore" && e.target === prop.json.id);
    assert.ok(entry, "the restore is in the administrative log");
    assert.equal(entry.by, "ib@demo");
    assert.equal(entry.approvedBy, "fg@demo");
    assert.equal(entry.reason, "Herstel na verlies van gegevens");
    assert.equal(entry.details.backup, "goed.zvbackup");
    assert.equal(entry.details.backupSha256, prop.json.backupSha256);
  });

  it("When a restore would replace a register that was rewritten since the backup, then it is refused and nothing changes; a file swapped after the proposal is refused on approval", async () => {
    // The attacker removes a student's history and starts it again: the backup's chain differs from the store's.
    await dropPartition("bak-2");
    assert.equal((await stack.api("POST", "/api/consents", { ...paperConsent("bak-2", "2026-10-01T10:00:00Z"), decision: "refused" })).status, 201);
    const before = await snapshot(stack.running.storage);
    assertError(await propose("goed.zvbackup"), 409, "RESTORE_CONFLICT");
    assert.deepEqual(changedTables(before, await snapshot(stack.running.storage)), []);
    // A file swapped between proposal and approval: the approval restores exactly what was proposed, or nothing.
    await dropPartition("bak-2");
    const prop = await propose("goed.zvbackup");
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    put("goed.zvbackup", await encryptBackup(oldKeys, { ...backup, exportedAt: new Date().toISOString() }));
    assertError(await stack.api("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Akkoord" }, { token: po }), 409, "CONFLICT");
    assert.equal((await eventsOf("bak-2")).length, 0);
    const list = (await stack.api<{ approvals: ApprovalRecord[] }>("GET", "/api/approvals", undefined, { token: po })).json.approvals;
    assert.equal(list.find((a) => a.id === prop.json.id)?.state, "failed");
  });

  it("When a restore was cut off half-way (a register partition without its HEAD), then an approved restore of the same backup completes it", async () => {
    const head = (await eventsOf("bak-1")).find((e) => e.rowKey === "HEAD");
    assert.ok(head);
    await tableClient(stack, "Events").deleteEntity(String(head.partitionKey), "HEAD");
    const prop = await propose("goed.zvbackup");
    assert.equal(prop.status, 201, JSON.stringify(prop.json));
    const ok = await stack.api<ApprovalRecord>("POST", `/api/approvals/${prop.json.id}/approve`, { reason: "Afmaken" }, { token: po });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.result?.verified, true);
    const reg = (await stack.api<RegisterView>("GET", "/api/students/bak-1/register", undefined, { token: po })).json;
    assert.equal(reg.chain.verified, true, JSON.stringify(reg.chain));
    assert.ok((await eventsOf("bak-1")).some((e) => e.rowKey === "HEAD"));
  });

  it("When the backup script exports over an older 0644 file, then the file is 0600 and encrypted with the current key; its restore command points to the API", async () => {
    const file = path.join(dir, "cli.zvbackup");
    writeFileSync(file, "an older backup");
    chmodSync(file, 0o644);
    const prefix = stack.running.storage.tableName("Meta").replace(/Meta$/, "");
    // The script's own main(), in this process (a child process costs seconds of tsx start-up).
    const env = { STORAGE_CONNECTION_STRING: stack.azurite.connectionString, TABLE_PREFIX: prefix, BACKUP_KEYS: SERVER_KEYS };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const said: string[] = [];
    const { log, error } = console;
    Object.assign(process.env, env);
    console.log = (...a: unknown[]) => void said.push(a.join(" "));
    console.error = (...a: unknown[]) => void said.push(a.join(" "));
    try {
      assert.equal(await backupScript(["export", "--tenant", stack.tenantId, "--out", file]), 0);
      assert.equal(await backupScript(["restore", "--in", file]), 2);
    } finally {
      Object.assign(console, { log, error });
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    assert.match(said.join("\n"), /"exported"/);
    assert.ok(said.includes(RESTORE_MOVED), said.join("\n"));
    assert.match(RESTORE_MOVED, /POST \/api\/approvals/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, /Oudleerling/, "no personal data in the clear");
    assert.equal((JSON.parse(text.slice(0, text.indexOf("\n"))) as { keyId: string; version: number }).keyId, "k2");
    const opened = await openStoredBackup(BackupKeys.parse(SERVER_KEYS), file);
    let rows = 0;
    for await (const [, row] of opened.rows) if ((row as BackupRow).partitionKey.startsWith(stack.tenantId)) rows++;
    assert.equal(opened.tenantId, stack.tenantId);
    assert.ok(rows >= total(backup), `${rows} rows read back`);
  });

  it("When BACKUP_KEYS holds a key that is not 32 bytes, or Entra mode has BACKUP_DIR without keys, then the server refuses to start", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "test", BACKUP_KEYS: `k1:${randomBytes(16).toString("base64")}` }), /BACKUP_KEYS: key k1 must be exactly 32 bytes/);
    assert.throws(
      () =>
        loadConfig({
          ENTRA_CLIENT_ID: "00000000-0000-4000-8000-000000000001", PUBLIC_URL: "https://zorg.example.nl", ENTRA_CLIENT_SECRET: "x",
          ENTRA_ALLOWED_TENANTS: stack.tenantId, INTEGRITY_KEYS: `t:${b64()}`, BACKUP_DIR: dir,
        }),
      /BACKUP_KEYS: Entra mode with BACKUP_DIR/,
    );
  });
});

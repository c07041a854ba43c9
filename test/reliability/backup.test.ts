import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { startStack, type Stack } from "../support/stack.js";
import { Storage } from "../../server/shared/storage.js";
import { compareBackups, exportTenant, parseBackup, restoreTenant } from "../../server/backup/service.js";
import { verifyChains } from "../../scripts/backup.js";
import { ageLeftClocks, approvedPurge } from "../support/api-helpers.js";
import { leaver, paperConsent } from "./support.js";

const OTHER_TENANT = "3c4d5e6f-7a8b-4c9d-8e0f-a1b2c3d4e5f6";
const run = promisify(execFile);

describe("Tenant backup and restore", function () {
  this.timeout(90_000);
  let stack: Stack;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "zv-backup-"));
    stack = await startStack();
    // A purged chain (tombstone), views, idempotency records, a check and another tenant's data.
    await stack.api("POST", "/api/import", { students: [leaver("bak-1", "2018-07-31"), leaver("bak-2", undefined)] });
    await stack.api("POST", "/api/consents", paperConsent("bak-1", "2016-09-01T10:00:00Z"), { headers: { "idempotency-key": "bak-c1" } });
    await stack.api("POST", "/api/consents", paperConsent("bak-2", "2016-09-01T10:00:00Z"));
    await ageLeftClocks(stack);
    await approvedPurge(stack);
    await stack.api("GET", "/api/students/lln-001/register");
    await stack.api("POST", "/api/check", { to: ["x@elders.example"], subject: "Jan de Vries", body: "" });
    const other = await stack.token("ib@elders", ["coordinator"], OTHER_TENANT);
    await stack.api("POST", "/api/import", { schools: [{ id: "elders", name: "Andere School", brin: "11AA" }] }, { token: other });
  });
  after(async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("When a tenant is exported and restored into an empty store, then every row is equal and every chain verifies", async () => {
    const source = stack.running.storage;
    const backup = parseBackup(JSON.stringify(await exportTenant(source, stack.tenantId)));
    assert.ok((backup.counts.Events ?? 0) > 10);
    assert.ok((backup.counts.Views ?? 0) >= 1);
    assert.ok((backup.counts.Idempotency ?? 0) >= 1);
    assert.ok(backup.tables.Events?.some((r) => r.type === "tombstone"));
    assert.doesNotMatch(JSON.stringify(backup.tables), /Andere School/); // only this tenant
    const target = new Storage(stack.azurite.connectionString, `r${randomBytes(6).toString("hex")}`, 5000);
    const r = await restoreTenant(target, backup);
    assert.deepEqual(r.differences, []);
    assert.equal(r.verified, true);
    assert.deepEqual(compareBackups(backup, await exportTenant(target, stack.tenantId)), []);
    const chains = await verifyChains(target, stack.tenantId);
    assert.equal(chains.ok, true);
    assert.equal(chains.studentsChecked, (await verifyChains(source, stack.tenantId)).studentsChecked);
    // A second restore into the same store is refused: restore needs an empty store.
    await assert.rejects(restoreTenant(target, backup), /empty store/);
  });

  it("When the backup script exports to a file and restores it under another prefix, then it exits 0 with the chains verified", async () => {
    const file = path.join(dir, "tenant.json");
    const env = { ...process.env, STORAGE_CONNECTION_STRING: stack.azurite.connectionString };
    const prefix = (stack.running.storage.tableName("Meta")).replace(/Meta$/, "");
    const tsx = path.resolve("node_modules/.bin/tsx");
    // An older backup at that path, readable by everyone: the new one must not keep its mode.
    writeFileSync(file, "an older backup");
    chmodSync(file, 0o644);
    const exp = await run(tsx, ["scripts/backup.ts", "export", "--tenant", stack.tenantId, "--out", file], { env: { ...env, TABLE_PREFIX: prefix } });
    assert.match(exp.stdout, /"exported"/);
    assert.equal(statSync(file).mode & 0o077, 0); // only the owner may read it
    const res = await run(tsx, ["scripts/backup.ts", "restore", "--in", file], { env: { ...env, TABLE_PREFIX: `r${randomBytes(6).toString("hex")}` } });
    const out = JSON.parse(res.stdout) as { verified: boolean; chains: { ok: boolean } };
    assert.equal(out.verified, true);
    assert.equal(out.chains.ok, true);
    assert.ok(readFileSync(file, "utf8").includes("zorgvuldig-tenant-backup"));
  });
});

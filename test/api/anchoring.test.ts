import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BlobServiceClient } from "@azure/storage-blob";
import { useStack } from "../support/stack.js";
import { assertError, grant, importStudent, tableClient, type ChainProblem, type FreshStudent, type VerifyResult } from "../support/api-helpers.js";
import { GENESIS_HASH, chainEvent, projectState, type NewEvent, type RegisterEvent, type TombstoneEvent } from "../../server/register/domain.js";
import { IntegrityKeys, headSealText } from "../../server/register/integrity.js";
import { BlobCheckpointStore } from "../../server/register/checkpoints.js";
import { makeTombstone } from "../../server/retention/domain.js";
import type { CheckResponse } from "../../contract/sendcheck.js";

/**
 * Issue 16, item 3, written as the attack: someone holding the storage account key (not the
 * integrity key) rewrites the Events table straight through the Table API. Every tampering is either
 * refused by the send check (the HEAD's keyed MAC) or reported by GET /api/audit/verify (the chain,
 * the tombstone seals, and the last signed checkpoint in Blob Storage).
 */
type Verify = VerifyResult & { checkpoint: { found: boolean; signatureValid?: boolean; chains?: number } };

describe("Anchored chains: tampering with the storage key alone", function () {
  const stack = useStack({ env: { CHECKPOINT_INTERVAL_SECONDS: "0" } });

  const rowKey = (seq: number): string => String(seq).padStart(10, "0");
  const pk = (s: FreshStudent): string => `${stack.tenantId}|${s.id}`;
  const events = () => tableClient(stack, "Events");
  const verify = async (): Promise<Verify> => {
    const r = await stack.api<Verify>("GET", "/api/audit/verify");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const mine = (v: Verify, s: FreshStudent): ChainProblem[] => v.problems.filter((p) => p.studentId === s.id);
  const mailAbout = (s: FreshStudent) => ({ to: ["jgz@ggd-voorbeeldregio.example"], subject: `Verslag ${s.name}`, body: "", purposeId: "jgz-consult" });
  const checkOf = (s: FreshStudent) => stack.api<CheckResponse>("POST", "/api/check", mailAbout(s));
  const checkpoint = () => stack.running.services.checkpoints.write(stack.tenantId);
  const grantGgd = (s: FreshStudent, decision: "granted" | "refused", day: string) =>
    grant(stack, { studentId: s.id, partyId: "ggd", purposeId: "jgz-consult", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: `2026-09-${day}T08:00:00Z`, decision });
  const errorLogs = () => stack.logs.filter((l) => l.includes("register audit failed"));

  it("When the tenant is untouched and a checkpoint is taken, then the audit compares with it and is ok", async () => {
    const cp = await checkpoint();
    assert.ok(cp.chains >= 1);
    const v = await verify();
    assert.equal(v.ok, true, JSON.stringify(v.problems));
    assert.equal(v.checkpoint.found, true);
    assert.equal(v.checkpoint.signatureValid, true);
    assert.equal(v.checkpoint.chains, cp.chains);
  });

  it("When a consent exists only in a forged HEAD with a correctly recomputed SHA-256 chain, then the check refuses with 503 REGISTER_INTEGRITY (never allow) and the audit reports head-mac-invalid", async () => {
    const s = await importStudent(stack);
    // Before: no consent, the GGD may not get the mail.
    const before = await checkOf(s);
    assert.equal(before.status, 200);
    assert.notEqual(before.json.verdict, "allow");
    // The attacker writes a consent event, chained exactly as the server would, and a HEAD that points at it.
    const forged: NewEvent = {
      type: "consent",
      id: `ev-${randomBytes(6).toString("hex")}`,
      studentId: s.id,
      decision: "granted",
      partyId: "ggd",
      purposeId: "jgz-consult",
      givenBy: { guardianId: s.guardians[0]?.id ?? "" },
      method: "paper",
      givenAt: "2026-09-01T08:00:00.000Z",
      validFrom: "2026-09-01T08:00:00.000Z",
      validUntil: "2099-07-31T21:59:59.000Z",
      recordedBy: "ib@demo",
      recordedAt: "2026-09-01T08:00:00.000Z",
    };
    const e = chainEvent(forged, 1, GENESIS_HASH);
    await events().createEntity({ partitionKey: pk(s), rowKey: rowKey(1), type: e.type, seq: 1, hash: e.hash, data: JSON.stringify(e) });
    // Even the MAC of another student's genuine HEAD: it is bound to its own partition.
    const other = await events().getEntity<{ mac: string; macKeyId: string }>(`${stack.tenantId}|lln-001`, "HEAD");
    await events().createEntity({ partitionKey: pk(s), rowKey: "HEAD", seq: 1, hash: e.hash, s0: JSON.stringify(projectState([e])), mac: other.mac, macKeyId: other.macKeyId });

    const after = await checkOf(s);
    assertError(after, 503, "REGISTER_INTEGRITY");
    const v = await verify();
    assert.equal(v.ok, false);
    // The plain chain is perfect: only the MAC gives it away.
    assert.deepEqual(mine(v, s), [{ studentId: s.id, seq: 1, problem: "head-mac-invalid" }]);
    assert.ok(errorLogs().length > 0, "a failed audit is logged at error level");
    assert.ok(!errorLogs().some((l) => l.includes(s.id) || l.includes(s.name)), "the error log names no student");
    // Nor can a consent be appended on top of it (which would re-seal the forgery).
    const r = await stack.api("POST", "/api/consents", { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", decision: "granted", givenBy: { guardianId: s.guardians[0]?.id ?? "" }, method: "paper", givenAt: "2026-09-02T08:00:00Z" });
    assertError(r, 503, "REGISTER_INTEGRITY");
    await events().deleteEntity(pk(s), "HEAD");
    await events().deleteEntity(pk(s), rowKey(1));
  });

  it("When the HEAD's MAC is removed, then the check refuses with 503 REGISTER_INTEGRITY", async () => {
    const s = await importStudent(stack);
    await grantGgd(s, "granted", "01");
    assert.equal((await checkOf(s)).json.verdict, "allow");
    await events().updateEntity({ partitionKey: pk(s), rowKey: "HEAD", mac: "", macKeyId: "" }, "Merge");
    assertError(await checkOf(s), 503, "REGISTER_INTEGRITY");
  });

  it("When a HEAD the checks already verified (and keep) gets another student's genuine state with its MAC kept, then the next check verifies it again and refuses with 503; the same row written back again is allowed", async () => {
    const s = await importStudent(stack);
    const t = await importStudent(stack);
    await grantGgd(s, "refused", "01");
    await grantGgd(t, "granted", "01");
    // Checked twice: the second read of the unchanged HEAD is the kept verification.
    assert.notEqual((await checkOf(s)).json.verdict, "allow");
    assert.notEqual((await checkOf(s)).json.verdict, "allow");
    const genuine = await events().getEntity<Record<string, unknown>>(pk(s), "HEAD");
    const granted = await events().getEntity<{ s0: string }>(pk(t), "HEAD");
    // With the storage key alone: the state that would allow, the seal left as it was.
    await events().updateEntity({ partitionKey: pk(s), rowKey: "HEAD", s0: granted.s0 }, "Merge");
    assertError(await checkOf(s), 503, "REGISTER_INTEGRITY");
    assertError(await checkOf(s), 503, "REGISTER_INTEGRITY");
    // The genuine row put back (a new ETag): verified again, and it still refuses the mail.
    const { etag: _e, timestamp: _t, ...row } = genuine;
    await events().updateEntity({ ...row, partitionKey: pk(s), rowKey: "HEAD" }, "Replace");
    const back = await checkOf(s);
    assert.equal(back.status, 200);
    assert.notEqual(back.json.verdict, "allow");
  });

  it("When a refusal is removed and the earlier (genuinely sealed) HEAD put back, then the audit reports the truncation against the last checkpoint", async () => {
    const s = await importStudent(stack);
    await grantGgd(s, "granted", "01");
    const oldHead = await events().getEntity<Record<string, unknown>>(pk(s), "HEAD");
    await grantGgd(s, "refused", "02");
    assert.notEqual((await checkOf(s)).json.verdict, "allow");
    await checkpoint();
    // The attack: delete the refusal, move HEAD back to the copy taken before it.
    await events().deleteEntity(pk(s), rowKey(2));
    const { etag: _e, timestamp: _t, ...row } = oldHead;
    await events().updateEntity({ ...row, partitionKey: pk(s), rowKey: "HEAD" }, "Replace");
    // The rolled-back HEAD has a valid MAC (the server wrote it), so only the checkpoint can tell.
    const v = await verify();
    assert.equal(v.ok, false);
    assert.deepEqual(mine(v, s), [{ studentId: s.id, seq: 2, problem: "truncated" }]);
  });

  it("When a student's whole partition is deleted, then the audit reports chain-deleted", async () => {
    const s = await importStudent(stack);
    await grantGgd(s, "refused", "03");
    await checkpoint();
    for (const rk of [rowKey(1), "HEAD"]) await events().deleteEntity(pk(s), rk);
    const v = await verify();
    assert.equal(v.ok, false);
    assert.deepEqual(mine(v, s), [{ studentId: s.id, seq: 1, problem: "chain-deleted" }]);
  });

  it("When the first events are replaced by a forged tombstone that chains correctly, then the audit reports tombstone-forged", async () => {
    const s = await importStudent(stack);
    const e1 = await grantGgd(s, "refused", "04");
    const e2 = await grant(stack, { studentId: s.id, partyId: "smw", purposeId: "smw-begeleiding", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: "2026-09-05T08:00:00Z" });
    await grant(stack, { studentId: s.id, partyId: "wijkteam", purposeId: "jeugdhulp", by: { guardianId: s.guardians[0]?.id ?? "" }, givenAt: "2026-09-06T08:00:00Z" });
    // The attacker builds the tombstone the purge would build, but without the integrity key.
    const tomb: TombstoneEvent = makeTombstone(s.id, [e1, e2] as RegisterEvent[], undefined, new Date());
    await events().deleteEntity(pk(s), rowKey(1));
    await events().updateEntity({ partitionKey: pk(s), rowKey: rowKey(2), type: tomb.type, seq: tomb.seq, hash: tomb.hash, data: JSON.stringify(tomb) }, "Replace");
    const v = await verify();
    assert.equal(v.ok, false);
    // The chain itself links up (no hash-mismatch, broken-link, missing-event): the seal is what is missing.
    // (HEAD still holds the removed consents, which the forger cannot re-seal: state-mismatch too.)
    assert.deepEqual(mine(v, s), [
      { studentId: s.id, seq: 3, problem: "state-mismatch" },
      { studentId: s.id, seq: 2, problem: "tombstone-forged" },
    ]);
  });

  it("When a checkpoint blob is rewritten with the storage key, then the audit reports its signature invalid and is not ok", async () => {
    const cp = await checkpoint();
    const containerName = `${stack.running.storage.tableName("Events").replace(/Events$/, "").toLowerCase()}-checkpoints`;
    const container = BlobServiceClient.fromConnectionString(stack.running.storage.connection).getContainerClient(containerName);
    const page = await container.listBlobsFlat({ prefix: `${stack.tenantId}/` }).byPage({ maxPageSize: 1 }).next();
    const name = page.done ? "" : (page.value.segment.blobItems[0]?.name ?? "");
    assert.ok(name);
    // The store itself never overwrites: a second write of a name fails.
    const blob = container.getBlockBlobClient(name);
    const store = new BlobCheckpointStore(stack.running.storage.connection, containerName);
    await assert.rejects(store.append(stack.tenantId, name.slice(stack.tenantId.length + 1), "{}"));
    // Azurite has no immutability policy: the attacker can overwrite it. The MAC gives it away.
    const forged = JSON.stringify({ ...cp, heads: cp.heads.slice(1), chains: cp.chains - 1, root: "0".repeat(64) });
    await blob.upload(forged, Buffer.byteLength(forged));
    const v = await verify();
    assert.equal(v.ok, false);
    assert.equal(v.checkpoint.signatureValid, false);
  });
});

describe("Integrity keys: rotation", function () {
  const key = (): string => randomBytes(32).toString("base64");

  it("When the key is rotated (new key first, old key still listed), then MACs made with the old key still verify and new ones use the new key", () => {
    const oldKey = key();
    const before = IntegrityKeys.parse(`k1:${oldKey}`);
    const text = headSealText("t|s", 3, "a".repeat(64), "[]");
    const seal = before.seal("head", text);
    const after = IntegrityKeys.parse(`k2:${key()},k1:${oldKey}`);
    assert.equal(after.verify("head", text, seal), true);
    assert.equal(after.seal("head", text).keyId, "k2");
    // Dropping the old key ends its MACs; a MAC of one purpose never passes as another.
    assert.equal(IntegrityKeys.parse(`k2:${key()}`).verify("head", text, seal), false);
    assert.equal(after.verify("checkpoint", text, seal), false);
  });

  it("When a key is shorter than 32 bytes or its id is odd, then parsing refuses with a reason", () => {
    assert.throws(() => IntegrityKeys.parse(`k1:${randomBytes(16).toString("base64")}`), /fewer than 32 bytes/);
    assert.throws(() => IntegrityKeys.parse(`bad id:${key()}`), /id:base64/);
  });
});

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Keyed MACs (HMAC-SHA-256) that anchor the register to a key held outside storage. A plain SHA-256
 * chain can be recomputed by whoever can write the table (the storage account key); a MAC cannot be
 * made without the integrity key, which comes from configuration (Key Vault in production) and is
 * never stored in a table. Every MAC names its key id, so keys can rotate: the first key of
 * INTEGRITY_KEYS makes new MACs, every listed key still verifies old ones.
 *
 * What is sealed (each with its own purpose label, so a MAC of one kind never passes as another):
 *  - "head": a register's HEAD row (partition, sequence, last hash and the send-check state);
 *  - "tombstone": what the retention purge leaves in place of removed events;
 *  - "checkpoint": the periodic Merkle root over all chain heads of a tenant (see checkpoints.ts);
 *  - "parent-link": a consent request's personal link to the parents' page (see server/portal/links.ts).
 *  - "admin-log": the HEAD of a tenant's administrative log (server/accountability/admin-log.ts).
 */
export type SealPurpose = "head" | "tombstone" | "checkpoint" | "parent-link" | "admin-log";

export interface Seal {
  keyId: string;
  mac: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** Bytes an integrity key must have at least (HMAC-SHA-256: a 256-bit key). */
export const MIN_KEY_BYTES = 32;

/**
 * The development key: public, so never a protection. Only dev mode (loopback, not production, see
 * config.ts) uses it when INTEGRITY_KEYS is not set; Entra mode refuses to start without real keys.
 */
const DEV_KEY = Buffer.from("zorgvuldig-dev-integrity-key-not-a-secret-0000", "utf8");

/**
 * A rotatable key list as configuration gives it: "id:base64key,id2:base64key". The first id is the
 * current key (it makes new MACs or ciphertexts), every listed key still verifies or decrypts old ones.
 * `check` says what is wrong with one key (its length) or nothing. Throws with a reason.
 */
export function parseKeyList(spec: string, check: (id: string, key: Buffer) => string | undefined): { keys: Map<string, Buffer>; first: string } {
  const keys = new Map<string, Buffer>();
  let first: string | undefined;
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf(":");
    const id = i > 0 ? part.slice(0, i) : "";
    const key = Buffer.from(part.slice(i + 1), "base64");
    if (!KEY_ID.test(id)) throw new Error("each key is id:base64, the id letters, digits, - or _ (at most 32)");
    const problem = check(id, key);
    if (problem) throw new Error(problem);
    if (keys.has(id)) throw new Error(`key id ${id} is listed twice`);
    keys.set(id, key);
    first ??= id;
  }
  if (!first) throw new Error("no key given");
  return { keys, first };
}

export class IntegrityKeys {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly currentId: string,
  ) {}

  /** "id:base64key,id2:base64key": the first makes new MACs, all verify. Throws with a reason. */
  static parse(spec: string): IntegrityKeys {
    const { keys, first } = parseKeyList(spec, (id, key) => (key.length < MIN_KEY_BYTES ? `key ${id} has fewer than ${MIN_KEY_BYTES} bytes` : undefined));
    return new IntegrityKeys(keys, first);
  }

  static dev(): IntegrityKeys {
    return new IntegrityKeys(new Map([["dev", DEV_KEY]]), "dev");
  }

  /** From configuration: INTEGRITY_KEYS when set, else the public dev key (dev mode only; config.ts enforces). */
  static fromConfig(spec: string | undefined): IntegrityKeys {
    return spec ? IntegrityKeys.parse(spec) : IntegrityKeys.dev();
  }

  private hmac(key: Buffer, purpose: SealPurpose, text: string): Buffer {
    return createHmac("sha256", key).update(`zorgvuldig:${purpose}\n`).update(text).digest();
  }

  seal(purpose: SealPurpose, text: string): Seal {
    const key = this.keys.get(this.currentId);
    if (!key) throw new Error("current integrity key missing");
    return { keyId: this.currentId, mac: this.hmac(key, purpose, text).toString("base64url") };
  }

  /** False for a missing or unknown key id, a missing MAC or one that does not match. Constant time. */
  verify(purpose: SealPurpose, text: string, seal: Partial<Seal> | undefined): boolean {
    if (!seal?.keyId || !seal.mac) return false;
    const key = this.keys.get(seal.keyId);
    if (!key) return false;
    const want = this.hmac(key, purpose, text);
    const got = Buffer.from(seal.mac, "base64url");
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

/** What a HEAD row's MAC covers: its partition (so a HEAD cannot be copied to another student), sequence, last hash and state. */
export function headSealText(pk: string, seq: number, hash: string, stateJson: string | undefined): string {
  return JSON.stringify([pk, seq, hash, stateJson ?? null]);
}

/** What a tombstone's MAC covers: where it stands and what it says was removed. */
export function tombstoneSealText(t: {
  studentId: string;
  seq: number;
  coversUpToSeq: number;
  lastRemovedHash: string;
  prevHash: string;
  removedCount: number;
  at: string;
  purgedBy?: string;
  approvedBy?: string;
  reason?: string;
}): string {
  const base = [t.studentId, t.seq, t.coversUpToSeq, t.lastRemovedHash, t.prevHash, t.removedCount, t.at];
  // Who purged and who approved are sealed too (tombstones from before issue 16's four eyes have neither).
  return JSON.stringify(t.purgedBy === undefined ? base : [...base, t.purgedBy, t.approvedBy ?? null, t.reason ?? null]);
}

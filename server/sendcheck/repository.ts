import { gunzipSync, gzipSync } from "node:zlib";
import { odata } from "@azure/data-tables";
import { sha256Hex } from "../shared/hash.js";
import { key, keysUnder, tenantFilter, type Entity, type Storage } from "../shared/storage.js";
import type { CheckResponse } from "../../contract/sendcheck.js";
import type { DigestParts } from "./digest.js";

/**
 * What a recording check (the on-send handler's) or an override leaves behind, never the mail body or
 * subject: the pending record that Sent Items confirms (docs/SENT-ITEMS.md), or an override bound to
 * the digest of the mail it was given for.
 */
export interface StoredCheck {
  checkId: string;
  result: CheckResponse;
  /** Per student and external recipient: what a disclosure would record. */
  disclosures: { studentId: string; recipient: string; partyId?: string; basis: "legal" | "consent" | "guardian" | "information-right"; purposeId?: string }[];
  /** The user who made the check. */
  sentBy: string;
  /** The server's time of the check. */
  at: string;
  overriddenAt?: string;
  etag?: string;
  /** Only on a record read from the tenant's own partition (stored before the buckets): where a replace writes it. */
  partition?: string;
  /** "send": the on-send handler's pending record; "override": an override of a query check. */
  mode?: "send" | "override";
  /** sha256 of the Idempotency-Key and the request: a retry with another request is refused. */
  requestHash?: string;
  digest?: DigestParts;
  studentIds?: string[];
  /** Students the user named in the task pane (the check's `studentIds`): they count as found when Sent Items judges the mail again. */
  namedStudentIds?: string[];
  /** The sender's school claim at the check, when not the whole board: names are read as the sender meant them. */
  senderSchools?: string[];
  purposeId?: string;
  /** After this the pending record has expired: a mail sent later is judged again. */
  expiresAt?: string;
  state?: "pending" | "confirmed" | "review" | "override";
  override?: { reason: string; by: string; at: string; digest: string };
  /** The override this mail was let through on (its digest matched). */
  overrideOf?: { checkId: string; reason: string; by: string };
  confirmed?: { internetMessageId: string; sentAt: string; at: string; disclosures: number };
}

/**
 * Azure Tables holds at most 32K characters in a string property (and 1 MiB per entity). A check of a
 * class list sent to many recipients is larger than that, so a large record is stored gzipped, split
 * over binary properties z0, z1, ... (each below 64 KiB).
 */
const MAX_STRING = 30_000;
const CHUNK_BYTES = 60_000;

function encode(value: Omit<StoredCheck, "etag">): Record<string, string | Uint8Array> {
  const json = JSON.stringify(value);
  if (json.length <= MAX_STRING) return { data: json };
  const zipped = gzipSync(json);
  const out: Record<string, Uint8Array> = {};
  for (let i = 0, n = 0; i < zipped.length; i += CHUNK_BYTES, n++) out[`z${n}`] = zipped.subarray(i, i + CHUNK_BYTES);
  return out;
}

function decode(e: Entity): StoredCheck {
  if (typeof e.data === "string") return JSON.parse(e.data) as StoredCheck;
  const parts: Buffer[] = [];
  for (let n = 0; ; n++) {
    const part = e[`z${n}`];
    if (!(part instanceof Uint8Array)) break;
    parts.push(Buffer.from(part));
  }
  return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as StoredCheck;
}

/** A record as read, with what a replace needs: its ETag and, for one stored before the buckets, its partition. */
function stored(e: Entity): StoredCheck {
  const pk = String(e.partitionKey);
  return { ...decode(e), etag: String(e.etag), ...(pk.includes("|") ? {} : { partition: pk }) };
}

/** Top-level properties a query filters on (the record itself is in `data` or z0, z1, ...). */
function indexed(c: Omit<StoredCheck, "etag">): Record<string, string> {
  return { ...(c.state ? { state: c.state } : {}), sentBy: c.sentBy, ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) };
}

/**
 * Check records are spread over CHECK_BUCKETS partitions per tenant ("tenant|c07") by a hash of the check
 * id: every on-send check inserts one, so writes spread over partitions and no partition grows with the
 * board's mail (Azure's guidance for write-heavy tables; the Azurite emulator's insert, which compares
 * the new row with every row of its partition, slowed down as one partition per tenant filled up).
 * Records stored before, under the tenant's own partition, are still read, confirmed and purged there.
 */
const CHECK_BUCKETS = 32;

export function checkPartition(tenantId: string, checkId: string): string {
  const bucket = parseInt(sha256Hex(checkId).slice(0, 8), 16) % CHECK_BUCKETS;
  return key(tenantId, `c${String(bucket).padStart(2, "0")}`);
}

export class CheckRepository {
  constructor(private readonly storage: Storage) {}

  /** One insert: a second one with the same check id fails with 409 CONFLICT (the idempotency). */
  async save(tenantId: string, c: StoredCheck): Promise<void> {
    const { etag: _e, partition: _p, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.createEntity({ partitionKey: checkPartition(tenantId, c.checkId), rowKey: key(c.checkId), ...indexed(rest), ...encode(rest) }),
    );
  }

  /** Replaces a record read before; the ETag makes a concurrent change fail with 409/412. */
  async replace(tenantId: string, c: StoredCheck): Promise<void> {
    const { etag, partition, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.updateEntity(
        { partitionKey: partition ?? checkPartition(tenantId, c.checkId), rowKey: key(c.checkId), ...indexed(rest), ...encode(rest) },
        "Replace",
        etag ? { etag } : {},
      ),
    );
  }

  /**
   * The retention purge of check records (pending, confirmed, reviewed, overrides; R-RETAIN-CHECKS in
   * docs/RETENTION.md): removes those `due` says, returns how many (`dryRun`: counts, removes nothing). A
   * mail sent later still has a valid stamp and is judged at its send time without its record.
   */
  async purgeWhere(tenantId: string, due: (c: StoredCheck) => boolean, dryRun = false): Promise<number> {
    // The buckets ("tenant|c00" ...) and the partition of records stored before them ("tenant").
    const rows = await this.storage.list("Checks", tenantFilter(tenantId));
    const gone = rows.filter((e) => due(decode(e))).map((e) => ({ partitionKey: String(e.partitionKey), rowKey: String(e.rowKey) }));
    return dryRun ? gone.length : this.storage.deleteRows("Checks", gone);
  }

  /** The pending records of a tenant (for the sweep: whose Sent Items to read). */
  async listPending(tenantId: string): Promise<StoredCheck[]> {
    const t = key(tenantId);
    const { lo, hi } = keysUnder(t);
    const rows = await this.storage.list("Checks", odata`(PartitionKey eq ${t} or (PartitionKey gt ${lo} and PartitionKey lt ${hi})) and state eq ${"pending"}`);
    return rows.map(stored);
  }

  async get(tenantId: string, checkId: string): Promise<StoredCheck | undefined> {
    const e =
      (await this.storage.getOrUndefined("Checks", checkPartition(tenantId, checkId), key(checkId))) ??
      (await this.storage.getOrUndefined("Checks", key(tenantId), key(checkId)));
    return e ? stored(e) : undefined;
  }
}

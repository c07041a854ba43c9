import { gunzipSync, gzipSync } from "node:zlib";
import { key, type Entity, type Storage } from "../shared/storage.js";
import type { CheckResponse } from "../../contract/sendcheck.js";

/** What a check leaves behind (never the mail body or subject): enough to override it later. */
export interface StoredCheck {
  checkId: string;
  result: CheckResponse;
  /** Per student and external recipient: what a disclosure would record. */
  disclosures: { studentId: string; recipient: string; partyId?: string; basis: "legal" | "consent" | "guardian" | "information-right"; purposeId?: string }[];
  sentBy: string;
  at: string;
  overriddenAt?: string;
  etag?: string;
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

export class CheckRepository {
  constructor(private readonly storage: Storage) {}

  async save(tenantId: string, c: StoredCheck): Promise<void> {
    const { etag: _e, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.createEntity({ partitionKey: key(tenantId), rowKey: key(c.checkId), ...encode(rest) }),
    );
  }

  async get(tenantId: string, checkId: string): Promise<StoredCheck | undefined> {
    const e = await this.storage.getOrUndefined("Checks", key(tenantId), key(checkId));
    if (!e) return undefined;
    return { ...decode(e), etag: String(e.etag) };
  }

  /** Marks a check overridden; the ETag makes a second, concurrent override fail with 409. */
  async markOverridden(tenantId: string, c: StoredCheck, at: string): Promise<void> {
    const { etag, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.updateEntity(
        { partitionKey: key(tenantId), rowKey: key(c.checkId), ...encode({ ...rest, overriddenAt: at }) },
        "Replace",
        etag ? { etag } : {},
      ),
    );
  }
}

import { key, type Storage } from "../shared/storage.js";
import type { CheckResponse } from "./schemas.js";

/** What a check leaves behind (never the mail body or subject): enough to override it later. */
export interface StoredCheck {
  checkId: string;
  result: CheckResponse;
  /** Per student and external recipient: what a disclosure would record. */
  disclosures: { studentId: string; recipient: string; partyId?: string; basis: "legal" | "consent" | "guardian"; purposeId?: string }[];
  sentBy: string;
  at: string;
  overriddenAt?: string;
  etag?: string;
}

export class CheckRepository {
  constructor(private readonly storage: Storage) {}

  async save(tenantId: string, c: StoredCheck): Promise<void> {
    const { etag: _e, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.createEntity({ partitionKey: key(tenantId), rowKey: key(c.checkId), data: JSON.stringify(rest) }),
    );
  }

  async get(tenantId: string, checkId: string): Promise<StoredCheck | undefined> {
    const e = await this.storage.getOrUndefined("Checks", key(tenantId), key(checkId));
    if (!e) return undefined;
    return { ...(JSON.parse(String(e.data)) as StoredCheck), etag: String(e.etag) };
  }

  /** Marks a check overridden; the ETag makes a second, concurrent override fail with 409. */
  async markOverridden(tenantId: string, c: StoredCheck, at: string): Promise<void> {
    const { etag, ...rest } = c;
    await this.storage.run("Checks", (t) =>
      t.updateEntity(
        { partitionKey: key(tenantId), rowKey: key(c.checkId), data: JSON.stringify({ ...rest, overriddenAt: at }) },
        "Replace",
        etag ? { etag } : {},
      ),
    );
  }
}

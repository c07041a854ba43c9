import { odata, type TransactionAction } from "@azure/data-tables";
import { AppError } from "../shared/errors.js";
import { key, keysUnder, type Entity, type Storage } from "../shared/storage.js";
import type { Breach as ContractBreach, ReviewItem as ContractReviewItem } from "../../contract/sentitems.js";

/**
 * The sweep's state per mailbox (SentItems table: PK tenant, RK the mailbox) and the review list and
 * breach register (Review table: PK tenant, RK "r|<id>" or "b|<id>"). Plain objects in, plain objects out.
 * Each open review item has a small row "o|<id>" too (its students, nothing else), written with the item
 * and removed when it is decided: the overview counts "Te beoordelen" from those rows alone (a range of
 * the open ones, never the whole list). A marker row "o" says a tenant's older items were indexed: that
 * is done on a write (the next item added); until then the count reads the whole list, never writing.
 */

export interface MailboxState {
  mailbox: string;
  /** Messages sent before this are not looked at (the first sweep does not judge the past). */
  since: string;
  deltaLink?: string;
  /** The calendarView delta of the mailbox's calendar (meetings it organised). */
  eventsDeltaLink?: string;
  lastSweepAt?: string;
  etag?: string;
}

export type { ReviewReason } from "../../contract/sentitems.js";
/** A review list entry as stored (the contract's shape, with the row's ETag). */
export type ReviewItem = ContractReviewItem & { etag?: string };
/** A breach register entry as stored (the contract's shape, with the row's ETag). */
export type Breach = ContractBreach & { etag?: string };

function parse<T>(e: Entity): T & { etag: string } {
  return { ...(JSON.parse(String(e.data)) as T), etag: String(e.etag) };
}

function row(pk: string, rk: string, value: object): { partitionKey: string; rowKey: string; data: string } {
  const { etag: _e, ...rest } = value as { etag?: string };
  return { partitionKey: pk, rowKey: rk, data: JSON.stringify(rest) };
}

/** The open row of a review item: its students (ids and schools), for the count per school. */
function openRow(tenantId: string, item: ReviewItem): { partitionKey: string; rowKey: string; students: string } {
  return { partitionKey: key(tenantId), rowKey: `o|${item.id}`, students: JSON.stringify(item.students.map((s) => ({ id: s.id, ...(s.schoolId ? { schoolId: s.schoolId } : {}) }))) };
}

export class SentItemsRepository {
  constructor(private readonly storage: Storage) {}

  /** Tenants whose open rows this instance knows are complete (the marker "o" was seen). */
  private readonly openIndexed = new Set<string>();

  private async openRowsComplete(tenantId: string): Promise<boolean> {
    if (!this.openIndexed.has(tenantId) && (await this.storage.getOrUndefined("Review", key(tenantId), "o"))) this.openIndexed.add(tenantId);
    return this.openIndexed.has(tenantId);
  }

  /** Gives a tenant's open items from before the open rows their row (once, the marker "o" last). */
  private async indexOpen(tenantId: string): Promise<void> {
    if (await this.openRowsComplete(tenantId)) return;
    const open = (await this.reviews(tenantId)).filter((r) => r.state === "open");
    await this.storage.transact("Review", [...open.map((r): TransactionAction => ["upsert", openRow(tenantId, r), "Replace"]), ["upsert", { partitionKey: key(tenantId), rowKey: "o" }, "Replace"]]);
    this.openIndexed.add(tenantId);
  }

  async mailboxes(tenantId: string): Promise<MailboxState[]> {
    const rows = await this.storage.list("SentItems", odata`PartitionKey eq ${key(tenantId)}`);
    return rows.map((e) => parse<MailboxState>(e));
  }

  /** Adds a mailbox to sweep; one that is known already is left as it is. */
  async addMailbox(tenantId: string, mailbox: string, since: string): Promise<void> {
    await this.storage
      .run("SentItems", (t) => t.createEntity(row(key(tenantId), key(mailbox.toLowerCase()), { mailbox: mailbox.toLowerCase(), since })))
      .catch((e: unknown) => {
        if (!(e instanceof AppError && e.code === "CONFLICT")) throw e;
      });
  }

  /** Saves the new deltaLink (ETag: of two concurrent sweeps of one mailbox, one keeps its link). */
  async saveMailbox(tenantId: string, m: MailboxState): Promise<void> {
    await this.storage.run("SentItems", (t) =>
      t.updateEntity(row(key(tenantId), key(m.mailbox), m), "Replace", m.etag ? { etag: m.etag } : {}),
    );
  }

  /** Creates a review item (and its open row, in one transaction); false when it exists already (the same message seen again). */
  async addReview(tenantId: string, item: ReviewItem): Promise<boolean> {
    await this.indexOpen(tenantId);
    try {
      await this.storage.transact("Review", [
        ["create", row(key(tenantId), `r|${item.id}`, item)],
        ...(item.state === "open" ? [["create", openRow(tenantId, item)] satisfies TransactionAction] : []),
      ]);
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === "CONFLICT") return false;
      throw e;
    }
  }

  /** One row of the Review table: kind "r" a review item, "b" a breach. */
  private async one<T>(tenantId: string, kind: "r" | "b", id: string): Promise<T | undefined> {
    const e = await this.storage.getOrUndefined("Review", key(tenantId), `${kind}|${key(id)}`);
    return e ? parse<T>(e) : undefined;
  }

  /** Every row of one kind of the Review table ("r|..." up to "r}", the next character after "|"). */
  private async all<T>(tenantId: string, kind: "r" | "b"): Promise<T[]> {
    const { lo, hi } = keysUnder(kind);
    const rows = await this.storage.list("Review", odata`PartitionKey eq ${key(tenantId)} and RowKey ge ${lo} and RowKey lt ${hi}`);
    return rows.map((e) => parse<T>(e));
  }

  /** Replaces a row of the Review table on its ETag (when it has one). */
  private async replace(tenantId: string, kind: "r" | "b", value: { id: string; etag?: string }): Promise<void> {
    await this.storage.run("Review", (t) => t.updateEntity(row(key(tenantId), `${kind}|${value.id}`, value), "Replace", value.etag ? { etag: value.etag } : {}));
  }

  review(tenantId: string, id: string): Promise<ReviewItem | undefined> {
    return this.one<ReviewItem>(tenantId, "r", id);
  }

  reviews(tenantId: string): Promise<ReviewItem[]> {
    return this.all<ReviewItem>(tenantId, "r");
  }

  /**
   * The retention purge of the review list (R-RETAIN-REVIEW in docs/RETENTION.md): removes the items `due`
   * says, told whether a breach record refers to the item; returns how many (`dryRun`: counts only).
   * The breach register itself is never purged here.
   */
  async purgeReviewsWhere(tenantId: string, due: (item: ReviewItem, inBreach: boolean) => boolean, dryRun = false): Promise<number> {
    const [items, breaches] = await Promise.all([this.reviews(tenantId), this.breaches(tenantId)]);
    const inBreach = new Set(breaches.map((b) => b.reviewId).filter((id): id is string => id !== undefined));
    const gone = items.filter((i) => due(i, inBreach.has(i.id))).map((i) => ({ partitionKey: key(tenantId), rowKey: `r|${i.id}` }));
    return dryRun ? gone.length : this.storage.deleteRows("Review", gone);
  }

  /** Replaces a review item on its ETag; a decided one is no longer open. */
  async replaceReview(tenantId: string, item: ReviewItem): Promise<void> {
    await this.replace(tenantId, "r", item);
    if (item.state !== "open")
      await this.storage.run("Review", (t) => t.deleteEntity(key(tenantId), `o|${item.id}`)).catch((e: unknown) => {
        if (!(e instanceof AppError && e.status === 404)) throw e;
      });
  }

  /**
   * The open review items' students (the overview's "Te beoordelen" count): the rows "o|..." only. A
   * tenant whose items were written before those rows is indexed first, once (the marker "o").
   */
  async openReviews(tenantId: string): Promise<{ id: string; students: { id: string; schoolId?: string }[] }[]> {
    const pk = key(tenantId);
    if (!(await this.openRowsComplete(tenantId))) return (await this.reviews(tenantId)).filter((r) => r.state === "open").map((r) => ({ id: r.id, students: r.students }));
    const { lo, hi } = keysUnder("o");
    const rows = await this.storage.list("Review", odata`PartitionKey eq ${pk} and RowKey ge ${lo} and RowKey lt ${hi}`);
    return rows.map((e) => ({ id: String(e.rowKey).slice(2), students: JSON.parse(String(e.students)) as { id: string; schoolId?: string }[] }));
  }

  async addBreach(tenantId: string, b: Breach): Promise<void> {
    await this.storage.run("Review", (t) => t.createEntity(row(key(tenantId), `b|${b.id}`, b)));
  }

  breach(tenantId: string, id: string): Promise<Breach | undefined> {
    return this.one<Breach>(tenantId, "b", id);
  }

  breaches(tenantId: string): Promise<Breach[]> {
    return this.all<Breach>(tenantId, "b");
  }

  replaceBreach(tenantId: string, b: Breach): Promise<void> {
    return this.replace(tenantId, "b", b);
  }
}

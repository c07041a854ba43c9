import { odata, TableClient, RestError, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import { AppError } from "./errors.js";
import type { TokenCredential } from "./managed-identity.js";

/**
 * Where the tables and the checkpoint blobs are: a connection string (Azurite, development), or in
 * Azure the account's Table and Blob endpoints with an OAuth credential (the app's managed identity;
 * shared-key access off, see infra/main.bicep).
 */
export type StorageAccount = string | { tableUrl: string; blobUrl: string; credential: TokenCredential };

export type TableName =
  | "Schools"
  | "Students"
  | "Parties"
  | "Purposes"
  | "Policies"
  | "Events"
  | "Checks"
  | "SentItems"
  | "Review"
  | "Subscriptions"
  | "Idempotency"
  | "Views"
  | "Meta"
  | "AdminLog";

export const TABLES: readonly TableName[] = [
  "Schools",
  "Students",
  "Parties",
  "Purposes",
  "Policies",
  "Events",
  "Checks",
  "SentItems",
  "Review",
  "Subscriptions",
  "Idempotency",
  "Views",
  "Meta",
  "AdminLog",
];

export type Entity = TableEntityResult<Record<string, unknown>>;

/** Characters Azure Tables forbids in PartitionKey/RowKey, plus control characters. */
const FORBIDDEN_KEY = /[\\/#?\u0000-\u001f\u007f-\u009f]/;
export function isSafeKey(s: string): boolean {
  return s.length > 0 && s.length <= 255 && !FORBIDDEN_KEY.test(s);
}

/**
 * The keys `key(prefix, ...)` makes: every key greater than `lo` ("prefix|") and less than `hi` ("prefix}":
 * "}" sorts right after "|"), whatever follows; for a range query over a tenant's partitions or a kind's rows.
 */
export function keysUnder(prefix: string): { lo: string; hi: string } {
  return { lo: `${prefix}|`, hi: `${prefix}}` };
}

/** Every row of a tenant: its own partition ("tenant") and the partitions under it ("tenant|..."). */
export function tenantFilter(tenantId: string): string {
  const t = key(tenantId);
  const { lo, hi } = keysUnder(t);
  return odata`PartitionKey eq ${t} or (PartitionKey gt ${lo} and PartitionKey lt ${hi})`;
}

/** Joins key parts; every part is checked so that no input can cross a partition. */
export function key(...parts: string[]): string {
  for (const p of parts) {
    if (!isSafeKey(p) || p.includes("|")) throw new AppError(400, "VALIDATION_FAILED", "Identifier contains a forbidden character");
  }
  return parts.join("|");
}

export class Storage {
  private readonly clients = new Map<TableName, TableClient>();
  private readonly ensured = new Set<TableName>();

  constructor(
    readonly account: StorageAccount,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** The connection string (its Blob endpoint holds the register's checkpoints); only when configured by one. */
  get connection(): string {
    if (typeof this.account !== "string") throw new Error("storage is configured by endpoint and credential, not a connection string");
    return this.account;
  }

  tableName(name: TableName): string {
    return `${this.prefix}${name}`;
  }

  client(name: TableName): TableClient {
    let c = this.clients.get(name);
    if (!c) {
      const retryOptions = { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 800 };
      c =
        typeof this.account === "string"
          ? TableClient.fromConnectionString(this.account, this.tableName(name), { allowInsecureConnection: true, retryOptions })
          : new TableClient(this.account.tableUrl, this.tableName(name), this.account.credential, { retryOptions });
      this.clients.set(name, c);
    }
    return c;
  }

  async ensureTables(): Promise<void> {
    await Promise.all(TABLES.map((t) => this.ensure(t)));
  }

  private async ensure(name: TableName): Promise<void> {
    await this.client(name).createTable();
    this.ensured.add(name);
  }

  /**
   * Runs one storage operation: times out into STORAGE_UNAVAILABLE, and when a table has gone
   * (a fresh emulator after an outage) creates it and tries once more.
   */
  async run<T>(name: TableName, op: (c: TableClient) => Promise<T>): Promise<T> {
    try {
      return await this.withTimeout(op(this.client(name)));
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404 && /TableNotFound/i.test(String(err.code ?? err.message))) {
        await this.withTimeout(this.ensure(name)).catch((e: unknown) => {
          throw mapStorageError(e);
        });
        try {
          return await this.withTimeout(op(this.client(name)));
        } catch (err2) {
          throw mapStorageError(err2);
        }
      }
      throw mapStorageError(err);
    }
  }

  async getOrUndefined(name: TableName, pk: string, rk: string): Promise<Entity | undefined> {
    try {
      return await this.run(name, (c) => c.getEntity<Record<string, unknown>>(pk, rk));
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_FOUND") return undefined;
      throw err;
    }
  }

  async list(name: TableName, filter: string, select?: string[]): Promise<Entity[]> {
    return this.run(name, async (c) => {
      const out: Entity[] = [];
      const iter = c.listEntities<Record<string, unknown>>({ queryOptions: select ? { filter, select } : { filter } });
      for await (const page of iter.byPage({ maxPageSize: 1000 })) out.push(...page);
      return out;
    });
  }

  /**
   * The entities a query finds, a page at a time as the service returns them (a backup reads a whole
   * tenant this way without holding it). Each page is fetched within the storage timeout.
   */
  async *pages(name: TableName, filter: string, pageSize = 1000): AsyncGenerator<Entity[]> {
    const iter = this.client(name).listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: pageSize });
    for (;;) {
      const next = await this.run(name, () => iter.next());
      if (next.done) return;
      yield next.value;
    }
  }

  /** Sends actions in transactions of at most 100 (one partition each). */
  async transact(name: TableName, actions: TransactionAction[]): Promise<void> {
    const byPk = new Map<string, TransactionAction[]>();
    for (const a of actions) {
      const pk = String(a[1].partitionKey);
      const list = byPk.get(pk) ?? [];
      list.push(a);
      byPk.set(pk, list);
    }
    // Partitions are independent: up to four at a time; within one, transactions go in order.
    const queue = [...byPk.values()];
    const worker = async (): Promise<void> => {
      for (let list = queue.shift(); list; list = queue.shift()) {
        for (let i = 0; i < list.length; i += 100) {
          const chunk = list.slice(i, i + 100);
          await this.run(name, (c) => c.submitTransaction(chunk));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  }

  /**
   * Deletes rows (the retention purges): in transactions of up to 100 per partition; a transaction that
   * fails because a row went in between is done row by row, a row already gone not counted. Returns how
   * many rows this call removed.
   */
  async deleteRows(name: TableName, rows: readonly { partitionKey: string; rowKey: string }[]): Promise<number> {
    const byPk = new Map<string, string[]>();
    for (const r of rows) byPk.set(r.partitionKey, [...(byPk.get(r.partitionKey) ?? []), r.rowKey]);
    let removed = 0;
    for (const [pk, rks] of byPk) {
      for (let i = 0; i < rks.length; i += 100) {
        const chunk = rks.slice(i, i + 100);
        try {
          await this.run(name, (c) => c.submitTransaction(chunk.map((rk): TransactionAction => ["delete", { partitionKey: pk, rowKey: rk }])));
          removed += chunk.length;
        } catch (err) {
          if (!(err instanceof AppError && (err.code === "NOT_FOUND" || err.code === "CONFLICT"))) throw err;
          for (const rk of chunk) {
            const gone = await this.run(name, (c) => c.deleteEntity(pk, rk)).then(
              () => true,
              (e: unknown) => {
                if (e instanceof AppError && e.code === "NOT_FOUND") return false;
                throw e;
              },
            );
            if (gone) removed++;
          }
        }
      }
    }
    return removed;
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError(503, "STORAGE_UNAVAILABLE", "Storage did not answer in time")), this.timeoutMs);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  }
}

export function mapStorageError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RestError) {
    const status = err.statusCode;
    if (status === 404) return new AppError(404, "NOT_FOUND", "Record not found");
    if (status === 409 || status === 412) return new AppError(409, "CONFLICT", "The record was changed by someone else; try again");
    if (status === 413) return new AppError(413, "BODY_TOO_LARGE", "The record is too large to store");
    if (status === 400) return new AppError(422, "UNPROCESSABLE", "Storage refused the record");
    if (status === undefined || status >= 500 || status === 408)
      return new AppError(503, "STORAGE_UNAVAILABLE", "Storage is not available; try again shortly", undefined, { "Retry-After": "5" });
  }
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR/.test(code))
    return new AppError(503, "STORAGE_UNAVAILABLE", "Storage is not available; try again shortly", undefined, { "Retry-After": "5" });
  if (err instanceof Error && err.name === "AbortError")
    return new AppError(503, "STORAGE_UNAVAILABLE", "Storage did not answer in time", undefined, { "Retry-After": "5" });
  return new AppError(500, "INTERNAL", "Storage failed unexpectedly");
}

/** Transaction errors carry the failing action; 409/412 inside a batch mean a concurrent writer. */
export function isConflict(err: unknown): boolean {
  return err instanceof AppError && err.code === "CONFLICT";
}

/**
 * The short random pause before the next try of an ETag-guarded write that met a concurrent writer
 * (longer with each `attempt`, from 0), so that two writers do not collide again at once.
 */
export function conflictPause(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
}

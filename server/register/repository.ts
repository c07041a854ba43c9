import { odata, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { AppError } from "../shared/errors.js";
import { conflictPause, key, keysUnder, isConflict, type Entity, type Storage } from "../shared/storage.js";
import { GENESIS_HASH, chainEvent, projectState, verifyChain, type DisclosureEvent, type NewEvent, type OverrideEvent, type RegisterEvent, type TombstoneEvent } from "./domain.js";
import { headSealText, type IntegrityKeys } from "./integrity.js";
import { sha256Hex } from "../shared/hash.js";
import { mapLimited } from "../shared/schedule.js";

/**
 * Register events live in one partition per student (PK "tenant|student"), so reading a student's
 * whole register is one query. RowKeys are zero-padded sequence numbers; the row "HEAD" holds the
 * last sequence number and hash, and the register's state for the send check (projectState: consents,
 * withdrawals, notices without texts), so a check reads one row per student. An append replaces HEAD
 * with its ETag and inserts the events in ONE transaction: two writers never both win, nothing is
 * ever overwritten, and the state never lags the events.
 */
export interface Head {
  seq: number;
  hash: string;
  etag: string;
  /** Undefined for a head written before the state was kept, or whose state was too large to keep. */
  state?: RegisterEvent[];
  /** Whether the row's keyed MAC (integrity.ts) verifies: false means it was written without the integrity key. */
  sealed: boolean;
}

export interface Partition {
  /** Every event; or, when `complete` is false, only the head's state (what the send check needs). */
  events: RegisterEvent[];
  head: Head | undefined;
  complete: boolean;
}

/** Azure Tables: a string property holds 32K UTF-16 characters, an entity 1 MiB. */
const STATE_CHUNK = 30_000;
const STATE_MAX_CHUNKS = 25;

/**
 * The HEAD row: last seq and hash, the state in chunks s0, s1, ... (omitted when too large), and the
 * keyed MAC over all of them (`mac`, `macKeyId`): the integrity key never sits in the table, so a HEAD
 * rewritten with the storage key alone no longer verifies and the send check refuses to decide on it.
 */
export function headEntity(
  keys: IntegrityKeys,
  pk: string,
  seq: number,
  hash: string,
  stateOf: RegisterEvent[],
): TableEntity<Record<string, string | number | boolean>> {
  const json = JSON.stringify(projectState(stateOf));
  const omitted = json.length > STATE_CHUNK * STATE_MAX_CHUNKS;
  const seal = keys.seal("head", headSealText(pk, seq, hash, omitted ? undefined : json));
  const entity: TableEntity<Record<string, string | number | boolean>> = { partitionKey: pk, rowKey: HEAD, seq, hash, mac: seal.mac, macKeyId: seal.keyId };
  if (omitted) return { ...entity, stateOmitted: true };
  for (let i = 0; i * STATE_CHUNK < json.length || i === 0; i++) entity[`s${i}`] = json.slice(i * STATE_CHUNK, (i + 1) * STATE_CHUNK);
  return entity;
}

/** What a HEAD row's keyed MAC covers, as stored: its partition, seq, hash, state chunks joined, and the seal. */
interface HeadFields {
  pk: string;
  seq: number;
  hash: string;
  json: string | undefined;
  seal: { keyId: string; mac: string };
}

function fieldsOf(r: Entity): HeadFields {
  const parts: string[] = [];
  for (let i = 0; typeof r[`s${i}`] === "string"; i++) parts.push(String(r[`s${i}`]));
  return {
    pk: String(r.partitionKey),
    seq: Number(r.seq),
    hash: String(r.hash),
    json: parts.length > 0 ? parts.join("") : undefined,
    seal: { keyId: typeof r.macKeyId === "string" ? r.macKeyId : "", mac: typeof r.mac === "string" ? r.mac : "" },
  };
}

function headOf(keys: IntegrityKeys, r: Entity, f: HeadFields = fieldsOf(r)): Head {
  return {
    seq: f.seq,
    hash: f.hash,
    etag: String(r.etag),
    sealed: keys.verify("head", headSealText(f.pk, f.seq, f.hash, f.json), f.seal),
    ...(f.json !== undefined ? { state: JSON.parse(f.json) as RegisterEvent[] } : {}),
  };
}

/** Same partition, seq, hash, state text and seal: the same MAC verification and the same state. */
function sameFields(a: HeadFields, b: HeadFields): boolean {
  return a.pk === b.pk && a.seq === b.seq && a.hash === b.hash && a.json === b.json && a.seal.keyId === b.seal.keyId && a.seal.mac === b.seal.mac;
}

/** HEAD rows whose MAC verified, kept per process (the least recently read dropped first): at most about 2,000 x 8 KB for small states. */
const VERIFIED_HEADS = 2_000;

/** The send check and appends never decide on a HEAD whose MAC does not verify: 503, never allow. */
export function integrityError(): AppError {
  return new AppError(
    503,
    "REGISTER_INTEGRITY",
    "The register of a student named in this message fails its integrity check; the check cannot decide. Ask the coordinator to run the audit.",
  );
}

const HEAD = "HEAD";

/**
 * The sent-message index of a chain (issue 15): one row per Internet Message-ID the chain has logged
 * (RowKey "m_" + SHA-256 of the id), holding SHA-256 prefixes of the recipients it was disclosed to, written
 * in the same transaction as those disclosures. So the sweep's "was this message logged already, and to
 * whom" is a point read per message, not a read of the student's history. The row "m_index" says the index
 * is complete (a chain from before it is indexed once, from its events, before the first indexed append).
 * Derived data: never part of a backup (rebuilt the same way after a restore), never an event.
 */
const SENT_PREFIX = "m_";
const SENT_INDEX = "m_index";
const sentRowKey = (messageId: string): string => `${SENT_PREFIX}${sha256Hex(messageId)}`;
const recipientKey = (recipient: string): string => sha256Hex(recipient.trim().toLowerCase()).slice(0, 32);
/** A row of the sent-message index (not an event, not the HEAD). */
export const isSentIndexRow = (rowKey: unknown): boolean => typeof rowKey === "string" && rowKey.startsWith(SENT_PREFIX);

/** What a chain has logged of one message: anything at all, and to which recipients. */
export interface LoggedMessage {
  any: boolean;
  has(recipient: string): boolean;
}

/** One sent message's events for a chain, built against what the chain already logged of that message. */
export interface SentAppend {
  /** The Internet Message-ID (a meeting: its iCalUId). */
  messageId: string;
  build(logged: LoggedMessage): NewEvent[];
}

function recipientsOf(row: Entity | undefined): Set<string> | undefined {
  if (!row) return undefined;
  const parts: string[] = [];
  for (let i = 0; typeof row[`r${i}`] === "string"; i++) parts.push(String(row[`r${i}`]));
  return new Set(parts.join("").split(",").filter((h) => h.length > 0));
}

function sentEntity(pk: string, rk: string, recipients: ReadonlySet<string>): TableEntity<Record<string, string>> {
  const text = [...recipients].sort().join(",");
  const e: TableEntity<Record<string, string>> = { partitionKey: pk, rowKey: rk };
  for (let i = 0; i * STATE_CHUNK < text.length || i === 0; i++) e[`r${i}`] = text.slice(i * STATE_CHUNK, (i + 1) * STATE_CHUNK);
  return e;
}

/** The chain as the sweep's append needs it: HEAD, the state, and the index rows of the messages asked for. */
interface SentView {
  head: Head | undefined;
  events: RegisterEvent[];
  logged: Map<string, Set<string>>;
}
/** Azure Tables allows 100 actions in one transaction; the HEAD row is one of them. */
export const MAX_EVENTS_PER_TRANSACTION = 99;
const seqKey = (seq: number): string => String(seq).padStart(10, "0");
/** Events removed per purge transaction: with the old tombstone, the new one and HEAD it stays under 100 actions. */
const PURGE_BATCH = 97;

export class RegisterRepository {
  /**
   * HEAD rows this process verified, by partition: a row read again with the same ETag and, field for
   * field, the same content the MAC covers (seq, hash, state text, key id, MAC) is the same verification
   * and the same state, so it is not verified and parsed again (the send check reads one student's HEAD
   * per request). Any other row, changed or not, is verified; a row that fails is never kept. The state
   * is shared between readers: nothing changes it in place.
   */
  private readonly verified = new Map<string, { etag: string; fields: HeadFields; head: Head }>();

  private verifiedHead(pk: string, row: Entity): Head {
    const etag = String(row.etag);
    const fields = fieldsOf(row);
    const kept = this.verified.get(pk);
    if (kept) {
      this.verified.delete(pk);
      if (kept.etag === etag && sameFields(kept.fields, fields)) {
        this.verified.set(pk, kept);
        return kept.head;
      }
    }
    const head = headOf(this.keys, row, fields);
    if (head.sealed) {
      this.verified.set(pk, { etag, fields, head });
      if (this.verified.size > VERIFIED_HEADS) {
        const oldest = this.verified.keys().next();
        if (!oldest.done) this.verified.delete(oldest.value);
      }
    }
    return head;
  }

  /** Appends in flight per partition: writers in this process queue instead of colliding. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Told the new state of a student's register and the events just added, after each append of this instance (the overview projection). */
  private readonly appended: ((tenantId: string, studentId: string, state: Partition, added: readonly RegisterEvent[]) => void)[] = [];

  onAppended(fn: (tenantId: string, studentId: string, state: Partition, added: readonly RegisterEvent[]) => void): void {
    this.appended.push(fn);
  }

  private tell(tenantId: string, studentId: string, seq: number, hash: string, events: RegisterEvent[], added: readonly RegisterEvent[]): void {
    if (this.appended.length === 0) return;
    const state: Partition = { events: projectState(events), head: { seq, hash, etag: "", sealed: true }, complete: false };
    for (const fn of this.appended) fn(tenantId, studentId, state, added);
  }

  constructor(
    private readonly storage: Storage,
    readonly keys: IntegrityKeys,
  ) {}

  /** The HEAD row for these values, sealed with the current integrity key. */
  headEntity(pk: string, seq: number, hash: string, stateOf: RegisterEvent[]): TableEntity<Record<string, string | number | boolean>> {
    return headEntity(this.keys, pk, seq, hash, stateOf);
  }

  /**
   * Runs appends to one partition one after another within this process. Without it, N parallel
   * writers to one student each re-read and retry until they win (N rounds of N reads), which under
   * load runs past the storage timeout. Writers on other instances still meet the ETag check below.
   */
  private serial<T>(pk: string, fn: (waited: boolean) => Promise<T>): Promise<T> {
    const prev = this.queues.get(pk);
    const run = (prev ?? Promise.resolve()).then(() => fn(prev !== undefined));
    const tail = run.catch(() => undefined);
    this.queues.set(pk, tail);
    void tail.then(() => {
      if (this.queues.get(pk) === tail) this.queues.delete(pk);
    });
    return run;
  }

  partitionKey(tenantId: string, studentId: string): string {
    return key(tenantId, studentId);
  }

  async read(tenantId: string, studentId: string): Promise<Partition> {
    const rows = await this.storage.list("Events", odata`PartitionKey eq ${this.partitionKey(tenantId, studentId)}`);
    return toPartition(this.keys, rows);
  }

  /**
   * What the send check needs, in one point read of the HEAD row. Falls back to reading the whole
   * partition for a head without state (too large to keep), whose events must then chain up to it.
   * Throws REGISTER_INTEGRITY (503) when the HEAD's keyed MAC does not verify: the check never
   * decides on a state written without the integrity key.
   */
  async readState(tenantId: string, studentId: string): Promise<Partition> {
    const pk = this.partitionKey(tenantId, studentId);
    const row = await this.storage.getOrUndefined("Events", pk, HEAD);
    if (!row) {
      this.verified.delete(pk);
      return { events: [], head: undefined, complete: true };
    }
    const head = this.verifiedHead(pk, row);
    if (!head.sealed) throw integrityError();
    if (head.state) return { events: head.state, head, complete: false };
    const whole = await this.read(tenantId, studentId);
    if (!whole.head?.sealed || verifyChain(studentId, whole.events, whole.head).length > 0) throw integrityError();
    return whole;
  }

  /**
   * Appends events to the student's chain. `build` sees the current partition and returns the events
   * to add (or throws to refuse): on a concurrent write it is called again with the fresh partition.
   */
  async append(
    tenantId: string,
    studentId: string,
    build: (current: Partition) => NewEvent[],
    known?: Partition,
  ): Promise<RegisterEvent[]> {
    const pk = this.partitionKey(tenantId, studentId);
    return this.serial(pk, (waited) => this.appendNow(tenantId, studentId, pk, build, waited ? undefined : known));
  }

  /**
   * The sweep's append of sent messages to one chain (server/sentitems/service.ts): each item's events are
   * built against what the chain already logged of its message (the index rows, point reads), in order,
   * as many items per ETag-guarded transaction as fit (HEAD, events and index rows: 100 actions); an item
   * with more events than fit goes alone over several, each rebuilt against what the last one logged. The
   * chain's history is never read (except once to index a chain from before the index). Returns the events
   * written per item.
   */
  async appendSent(tenantId: string, studentId: string, items: SentAppend[]): Promise<RegisterEvent[][]> {
    const pk = this.partitionKey(tenantId, studentId);
    return this.serial(pk, async () => {
      const out: RegisterEvent[][] = items.map(() => []);
      let next = 0;
      let cur = await this.readSent(tenantId, studentId, pk, items);
      for (let attempt = 0; attempt < 25; attempt++) {
        const touched = new Map<string, Set<string>>();
        const chained: RegisterEvent[] = [];
        const owner: number[] = [];
        let seq = cur.head?.seq ?? 0;
        let prev = cur.head?.hash ?? GENESIS_HASH;
        // A new chain starts indexed (its index row in its first transaction).
        const indexRow = cur.head ? 0 : 1;
        let i = next;
        for (; i < items.length; i++) {
          const it = items[i];
          if (!it) break;
          const rk = sentRowKey(it.messageId);
          const have = touched.get(rk) ?? cur.logged.get(rk);
          const made = it.build({ any: have !== undefined, has: (r) => have?.has(recipientKey(r)) ?? false });
          if (made.length === 0) continue;
          const room = MAX_EVENTS_PER_TRANSACTION - indexRow - chained.length - touched.size - (touched.has(rk) ? 0 : 1);
          if (made.length > room && chained.length > 0) break;
          const take = made.slice(0, room);
          const set = new Set(have ?? []);
          for (const e of take) {
            seq += 1;
            const c = chainEvent(e, seq, prev);
            chained.push(c);
            owner.push(i);
            prev = c.hash;
            if (c.type === "disclosure") set.add(recipientKey(c.recipient));
          }
          touched.set(rk, set);
          // The rest of a large item goes in the next transaction, rebuilt against what this one logged.
          if (take.length < made.length) break;
        }
        if (chained.length === 0) return out;
        const head = this.headEntity(pk, seq, prev, [...cur.events, ...chained]);
        const actions: TransactionAction[] = [
          cur.head ? ["update", head, "Replace", { etag: cur.head.etag }] : ["create", head],
          ...chained.map(
            (c): TransactionAction => ["create", { partitionKey: pk, rowKey: seqKey(c.seq), type: c.type, seq: c.seq, hash: c.hash, data: JSON.stringify(c) }],
          ),
          ...[...touched].map(([rk, set]): TransactionAction => ["upsert", sentEntity(pk, rk, set), "Replace"]),
          ...(indexRow ? [["upsert", { partitionKey: pk, rowKey: SENT_INDEX }, "Replace"] satisfies TransactionAction] : []),
        ];
        try {
          await this.storage.run("Events", (t) => t.submitTransaction(actions));
        } catch (err) {
          if (!isConflict(err)) throw err;
          // Someone else appended first: re-read, re-build, and try again after a short random pause.
          await conflictPause(attempt);
          cur = await this.readSent(tenantId, studentId, pk, items.slice(next));
          continue;
        }
        chained.forEach((c, k) => out[owner[k] ?? 0]?.push(c));
        this.tell(tenantId, studentId, seq, prev, [...cur.events, ...chained], chained);
        next = i;
        if (next >= items.length) return out;
        attempt = -1;
        // Only the HEAD's new ETag is needed: what this transaction logged is known. A HEAD moved on by
        // another writer meanwhile means reading the index again.
        const logged = new Map(cur.logged);
        for (const [rk, set] of touched) logged.set(rk, set);
        const row = await this.storage.getOrUndefined("Events", pk, HEAD);
        const fresh = row ? this.verifiedHead(pk, row) : undefined;
        if (fresh?.sealed && fresh.seq === seq && fresh.hash === prev)
          cur = { head: fresh, events: fresh.state ?? projectState([...cur.events, ...chained]), logged };
        else cur = await this.readSent(tenantId, studentId, pk, items.slice(next));
      }
      throw new AppError(409, "CONFLICT", "The register of this student is busy; try again");
    });
  }

  /**
   * The HEAD (point read), the state, and the index rows of the items' messages (point reads). A chain
   * from before the index is indexed first (once).
   */
  private async readSent(tenantId: string, studentId: string, pk: string, items: SentAppend[]): Promise<SentView> {
    const keys = [...new Set(items.map((it) => sentRowKey(it.messageId)))];
    for (let tries = 0; tries < 25; tries++) {
      const [headRow, indexRow] = await Promise.all([this.storage.getOrUndefined("Events", pk, HEAD), this.storage.getOrUndefined("Events", pk, SENT_INDEX)]);
      if (!headRow) {
        this.verified.delete(pk);
        return { head: undefined, events: [], logged: new Map() };
      }
      const head = this.verifiedHead(pk, headRow);
      // Never extend (and so re-seal) a HEAD written without the integrity key.
      if (!head.sealed) throw integrityError();
      if (!indexRow) {
        await this.indexSent(tenantId, studentId, pk);
        continue;
      }
      const rows = await mapLimited(keys, 16, (rk) => this.storage.getOrUndefined("Events", pk, rk));
      const logged = new Map<string, Set<string>>();
      keys.forEach((rk, i) => {
        const set = recipientsOf(rows[i]);
        if (set) logged.set(rk, set);
      });
      const events = head.state ?? (await this.read(tenantId, studentId)).events;
      return { head, events, logged };
    }
    throw new AppError(409, "CONFLICT", "The register of this student is busy; try again");
  }

  /**
   * Indexes a chain written before the sent-message index: its disclosures' messages from its events, in
   * transactions that each replace the HEAD with its ETag (an append meanwhile makes it start over), the
   * row "m_index" last. Returns without it on a conflict (the caller reads again).
   */
  private async indexSent(tenantId: string, studentId: string, pk: string): Promise<void> {
    const part = await this.read(tenantId, studentId);
    const head = part.head;
    if (!head) return;
    if (!head.sealed) throw integrityError();
    const byMessage = new Map<string, Set<string>>();
    for (const e of part.events) {
      if (e.type !== "disclosure" || !e.internetMessageId) continue;
      const rk = sentRowKey(e.internetMessageId);
      byMessage.set(rk, (byMessage.get(rk) ?? new Set()).add(recipientKey(e.recipient)));
    }
    const rows: TableEntity<Record<string, string>>[] = [...[...byMessage].map(([rk, set]) => sentEntity(pk, rk, set)), { partitionKey: pk, rowKey: SENT_INDEX }];
    let etag = head.etag;
    for (let i = 0; i < rows.length; i += MAX_EVENTS_PER_TRANSACTION) {
      const actions: TransactionAction[] = [
        ["update", this.headEntity(pk, head.seq, head.hash, part.events), "Replace", { etag }],
        ...rows.slice(i, i + MAX_EVENTS_PER_TRANSACTION).map((r): TransactionAction => ["upsert", r, "Replace"]),
      ];
      try {
        await this.storage.run("Events", (t) => t.submitTransaction(actions));
      } catch (err) {
        if (isConflict(err)) return;
        throw err;
      }
      const fresh = await this.storage.getOrUndefined("Events", pk, HEAD);
      if (!fresh || Number(fresh.seq) !== head.seq) return;
      etag = String(fresh.etag);
    }
  }

  private async appendNow(
    tenantId: string,
    studentId: string,
    pk: string,
    build: (current: Partition) => NewEvent[],
    known: Partition | undefined,
  ): Promise<RegisterEvent[]> {
    let current = known ?? (await this.read(tenantId, studentId));
    // Never extend (and so re-seal) a HEAD written without the integrity key.
    if (current.head && !current.head.sealed) throw integrityError();
    // Built events not yet written: set once a first chunk of a large append is in (never built again).
    let pending: NewEvent[] | undefined;
    const written: RegisterEvent[] = [];
    for (let attempt = 0; attempt < 25; attempt++) {
      const fresh = pending ?? build(current);
      if (fresh.length === 0) return written;
      // A transaction holds at most 100 actions: the HEAD row and 99 events. More go in further
      // transactions, each one a valid extension of the chain.
      const chunk = fresh.slice(0, MAX_EVENTS_PER_TRANSACTION);
      let seq = current.head?.seq ?? 0;
      let prev = current.head?.hash ?? GENESIS_HASH;
      const chained: RegisterEvent[] = [];
      for (const e of chunk) {
        seq += 1;
        const c = chainEvent(e, seq, prev);
        chained.push(c);
        prev = c.hash;
      }
      // The new state from the old one (or all events) and the new events: projecting is idempotent.
      const head = this.headEntity(pk, seq, prev, [...current.events, ...chained]);
      const actions: TransactionAction[] = [
        current.head ? ["update", head, "Replace", { etag: current.head.etag }] : ["create", head],
        ...chained.map(
          (c): TransactionAction => [
            "create",
            { partitionKey: pk, rowKey: seqKey(c.seq), type: c.type, seq: c.seq, hash: c.hash, data: JSON.stringify(c) },
          ],
        ),
      ];
      try {
        await this.storage.run("Events", (t) => t.submitTransaction(actions));
        written.push(...chained);
        this.tell(tenantId, studentId, seq, prev, [...current.events, ...chained], chained);
        pending = fresh.slice(chunk.length);
        if (pending.length === 0) return written;
        attempt = -1;
        current = await this.read(tenantId, studentId);
      } catch (err) {
        if (!isConflict(err)) throw err;
        // Someone else appended first: re-read, re-decide, and try again after a short random pause.
        await conflictPause(attempt);
        current = await this.read(tenantId, studentId);
      }
      if (current.head && !current.head.sealed) throw integrityError();
    }
    throw new AppError(409, "CONFLICT", "The register of this student is busy; try again");
  }

  /**
   * The send-check state of every student of the tenant, from the HEAD rows only (the register
   * overview). A head without state is completed by reading its partition.
   */
  async readAllStates(tenantId: string): Promise<Map<string, Partition>> {
    const { lo, hi } = keysUnder(key(tenantId));
    const rows = await this.storage.list("Events", odata`PartitionKey gt ${lo} and PartitionKey lt ${hi} and RowKey eq ${HEAD}`);
    const out = new Map<string, Partition>();
    await Promise.all(
      rows.map(async (r) => {
        const studentId = String(r.partitionKey).slice(lo.length);
        const head = headOf(this.keys, r);
        out.set(studentId, head.state ? { events: head.state, head, complete: false } : await this.read(tenantId, studentId));
      }),
    );
    return out;
  }

  /**
   * The disclosures and overrides of every student of the tenant, with each HEAD's sequence number and
   * hash (the overview's numbers): one query that leaves the consents and the HEAD states in storage.
   */
  async readActivity(tenantId: string): Promise<Map<string, { seq: number; hash: string; events: (DisclosureEvent | OverrideEvent)[] }>> {
    const { lo, hi } = keysUnder(key(tenantId));
    const rows = await this.storage.list(
      "Events",
      odata`PartitionKey gt ${lo} and PartitionKey lt ${hi} and (RowKey eq ${HEAD} or type eq ${"disclosure"} or type eq ${"override"})`,
      ["PartitionKey", "RowKey", "seq", "hash", "data"],
    );
    const out = new Map<string, { seq: number; hash: string; events: (DisclosureEvent | OverrideEvent)[] }>();
    const of = (studentId: string): { seq: number; hash: string; events: (DisclosureEvent | OverrideEvent)[] } => {
      let a = out.get(studentId);
      if (!a) out.set(studentId, (a = { seq: 0, hash: "", events: [] }));
      return a;
    };
    for (const r of rows) {
      const a = of(String(r.partitionKey).slice(lo.length));
      if (r.rowKey === HEAD) {
        a.seq = Number(r.seq);
        a.hash = String(r.hash);
      } else a.events.push(JSON.parse(String(r.data)) as DisclosureEvent | OverrideEvent);
    }
    return out;
  }

  /** Every event partition of the tenant (the audit and the statistics). */
  async readAll(tenantId: string): Promise<Map<string, Partition>> {
    const { lo, hi } = keysUnder(key(tenantId));
    const rows = await this.storage.list("Events", odata`PartitionKey gt ${lo} and PartitionKey lt ${hi}`);
    const byStudent = new Map<string, Entity[]>();
    for (const r of rows) {
      const studentId = String(r.partitionKey).slice(lo.length);
      const list = byStudent.get(studentId) ?? [];
      list.push(r);
      byStudent.set(studentId, list);
    }
    return new Map([...byStudent].map(([id, list]) => [id, toPartition(this.keys, list)]));
  }

  /**
   * HEAD rows written before the keyed MAC existed fail it, and the send check refuses on them (issue 16).
   * This seals them again with the current integrity key, but only a chain whose SHA-256 chain verifies
   * whole (hashes, links, HEAD and its state: verifyChain); any other stays unsealed and is counted. Run
   * only as an approved one-off operation (POST /approvals {kind: "reseal"}): sealing is vouching.
   */
  async resealUnsealed(tenantId: string): Promise<{ chains: number; resealed: number; refused: number }> {
    const all = await this.readAll(tenantId);
    let resealed = 0;
    let refused = 0;
    for (const [studentId, part] of all) {
      const head = part.head;
      if (!head || head.sealed) continue;
      if (verifyChain(studentId, part.events, head).length > 0) {
        refused++;
        continue;
      }
      const row = this.headEntity(this.partitionKey(tenantId, studentId), head.seq, head.hash, part.events);
      try {
        await this.storage.run("Events", (t) => t.updateEntity(row, "Replace", { etag: head.etag }));
        resealed++;
      } catch (err) {
        if (!isConflict(err)) throw err;
        refused++; // changed meanwhile: left for the next run
      }
    }
    return { chains: all.size, resealed, refused };
  }

  /**
   * The retention purge's removal of a leading run of events (issue 12: the purge goes through this
   * repository; the rules are in server/retention/domain.ts). At most PURGE_BATCH events per
   * transaction: each deletes the previous tombstone and the batch, and puts the tombstone `tombstone`
   * makes in the place of the batch's last event, so the chain verifies after every transaction (a crash
   * between two leaves a valid chain). Each also replaces HEAD with its ETag (a concurrent append wins):
   * its state (what the send check reads) drops the removed consents at once, and when every event goes
   * it points at the tombstone. Returns how many events were removed.
   */
  async purgeLeading(
    tenantId: string,
    studentId: string,
    part: Partition,
    plan: { existing: TombstoneEvent | undefined; remove: RegisterEvent[]; all: boolean },
    tombstone: (batch: RegisterEvent[], previous: TombstoneEvent | undefined) => TombstoneEvent,
  ): Promise<number> {
    const pk = this.partitionKey(tenantId, studentId);
    return this.serial(pk, async () => {
      let previous = plan.existing;
      let head = part.head;
      const removed = new Set<number>();
      for (let i = 0; i < plan.remove.length; i += PURGE_BATCH) {
        const batch = plan.remove.slice(i, i + PURGE_BATCH);
        const lastInBatch = batch[batch.length - 1];
        if (!lastInBatch) break;
        const tomb = tombstone(batch, previous);
        const actions: TransactionAction[] = [];
        if (previous) actions.push(["delete", { partitionKey: pk, rowKey: seqKey(previous.seq) }]);
        for (const e of batch.slice(0, -1)) actions.push(["delete", { partitionKey: pk, rowKey: seqKey(e.seq) }]);
        actions.push([
          "update",
          { partitionKey: pk, rowKey: seqKey(lastInBatch.seq), type: tomb.type, seq: tomb.seq, hash: tomb.hash, data: JSON.stringify(tomb) },
          "Replace",
        ]);
        const finalBatch = i + PURGE_BATCH >= plan.remove.length;
        if (!head) throw new AppError(409, "CONFLICT", "The register has no head");
        for (const e of batch) removed.add(e.seq);
        const remaining = part.events.filter((e) => !removed.has(e.seq) && e.type !== "tombstone");
        const [seq, hash] = plan.all && finalBatch ? [tomb.seq, tomb.hash] : [head.seq, head.hash];
        actions.push(["update", this.headEntity(pk, seq, hash, remaining), "Replace", { etag: head.etag }]);
        await this.storage.run("Events", (t) => t.submitTransaction(actions));
        previous = tomb;
        const fresh = await this.storage.getOrUndefined("Events", pk, HEAD);
        head = fresh ? { ...head, etag: String(fresh.etag) } : undefined;
      }
      return removed.size;
    });
  }

  /** Only the HEAD rows of the tenant, with their MAC verified (the checkpoints). */
  async readHeads(tenantId: string): Promise<Map<string, Head>> {
    const { lo, hi } = keysUnder(key(tenantId));
    const rows = await this.storage.list("Events", odata`PartitionKey gt ${lo} and PartitionKey lt ${hi} and RowKey eq ${HEAD}`);
    return new Map(rows.map((r) => [String(r.partitionKey).slice(lo.length), headOf(this.keys, r)]));
  }
}

function toPartition(keys: IntegrityKeys, rows: Entity[]): Partition {
  let head: Head | undefined;
  const events: RegisterEvent[] = [];
  for (const r of rows) {
    if (r.rowKey === HEAD) head = headOf(keys, r);
    else if (isSentIndexRow(r.rowKey)) continue;
    else events.push(JSON.parse(String(r.data)) as RegisterEvent);
  }
  events.sort((a, b) => a.seq - b.seq);
  return { events, head, complete: true };
}

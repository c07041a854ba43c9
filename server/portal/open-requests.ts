import { odata } from "@azure/data-tables";
import type { SchoolAccess } from "../identity/auth.js";
import type { DirectorySnapshot } from "../directory/service.js";
import type { OpenRequest } from "../../contract/index.js";
import { AppError } from "../shared/errors.js";
import { conflictPause, isConflict, key, keysUnder, type Storage } from "../shared/storage.js";
import { mapLimited } from "../shared/schedule.js";

/**
 * The open consent requests kept per school (issue 17, the overview's "Open verzoeken" number): one row
 * per request that still waits for an answer (Meta table, PK `<tenant>|open-request`, RK
 * `<school>|<request id>`: a school's rows are one key range), with the moment its links expire and the holders
 * who have not answered yet. Written when a request is made, narrowed on each answer (ETag-guarded), and
 * removed once every holder has answered; an expired request is left out by the count's filter. So the
 * overview counts a school's open requests with one range query over that school's open rows (the
 * privacy officer's: one query of the tenant's open rows), never by reading every request, every link
 * and every register. The definition is the follow-up list's (server/portal/follow-up.ts):
 * open = created, sent or opened; not answered by every holder, not expired.
 *
 * A tenant whose requests were made before this index existed is indexed once, from the follow-up list
 * (`rebuild`), when its next request is made (a write; a marker row says it was); until then its count is
 * taken from the follow-up list itself (correct, slower), so a read never writes. The retention purge removes
 * requests only years after their links expired, so a purged request is never among the counted rows.
 */

/** Requests without an expiry (no parents' page configured) are open until answered. */
const NEVER = "9999-12-31T23:59:59.999Z";
const MARKER_PK = (tenantId: string): string => key(tenantId, "open-request-index");
const MARKER_RK = "built-v1";

export interface OpenRequestEntry {
  requestId: string;
  schoolId: string;
  /** When its links stop working (undefined: never). */
  expiresAt?: string;
  /** The holders still to answer: "g:<guardianId>" or "student". */
  pending: string[];
}

/** The open ones of the follow-up list (its definition of open), as index entries: what `rebuild` gives. */
export function openEntries(list: readonly OpenRequest[], snap: DirectorySnapshot): OpenRequestEntry[] {
  return list
    .filter((r) => r.state !== "answered" && r.state !== "expired")
    .map((r) => ({
      requestId: r.requestId,
      schoolId: snap.studentById.get(r.studentId)?.schoolId ?? "",
      ...(r.linkExpiresAt ? { expiresAt: r.linkExpiresAt } : {}),
      pending: r.letters.filter((l) => l.state !== "answered").map((l) => l.holder),
    }));
}

export class OpenRequestIndex {
  constructor(
    private readonly storage: Storage,
    /** Every open request of a tenant as the follow-up list sees it (to index a tenant once). */
    private readonly rebuild: (tenantId: string) => Promise<OpenRequestEntry[]>,
  ) {}

  private pk(tenantId: string): string {
    return key(tenantId, "open-request");
  }

  private rk(schoolId: string, requestId: string): string {
    return key(schoolId || "none", requestId);
  }

  /** A request was made: it is open until every holder answered or its links expire. */
  async opened(tenantId: string, e: OpenRequestEntry): Promise<void> {
    await this.ensureBuilt(tenantId);
    await this.write(tenantId, e);
  }

  private async write(tenantId: string, e: OpenRequestEntry): Promise<void> {
    await this.storage.run("Meta", (t) =>
      t.upsertEntity({ partitionKey: this.pk(tenantId), rowKey: this.rk(e.schoolId, e.requestId), expiresAt: e.expiresAt ?? NEVER, pending: JSON.stringify(e.pending) }, "Replace"),
    );
  }

  /**
   * A holder answered a request (on the parents' page or by a recorded reply): taken from its pending
   * holders, the row removed when none is left. ETag-guarded, so two answers at once both count; an
   * answer from someone not asked, or a second answer of the same holder, changes nothing.
   */
  async answered(tenantId: string, schoolId: string, requestId: string, holder: string): Promise<void> {
    const pk = this.pk(tenantId);
    const rk = this.rk(schoolId, requestId);
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = await this.storage.getOrUndefined("Meta", pk, rk);
      if (!row) return;
      const asked = JSON.parse(String(row.pending)) as string[];
      const pending = asked.filter((h) => h !== holder);
      if (pending.length === asked.length) return;
      const etag = String(row.etag);
      try {
        await this.storage.run("Meta", (t) =>
          pending.length === 0
            ? t.deleteEntity(pk, rk, { etag })
            : t.updateEntity({ partitionKey: pk, rowKey: rk, expiresAt: String(row.expiresAt), pending: JSON.stringify(pending) }, "Replace", { etag }),
        );
        return;
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return;
        if (!isConflict(err)) throw err;
        await conflictPause(attempt);
      }
    }
    throw new AppError(409, "CONFLICT", "The open requests of this school are busy; try again");
  }

  /**
   * The retention purge removed these requests: their rows go, and with them every row whose links have
   * expired (never counted again), so the partition holds the open requests and little more.
   */
  async purged(tenantId: string, requestIds: ReadonlySet<string>, now = new Date()): Promise<void> {
    const pk = this.pk(tenantId);
    const at = now.toISOString();
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${pk}`, ["RowKey", "expiresAt"]);
    const gone = rows.filter((e) => requestIds.has(String(e.rowKey).split("|")[1] ?? "") || String(e.expiresAt) <= at);
    await this.storage.deleteRows("Meta", gone.map((e) => ({ partitionKey: pk, rowKey: String(e.rowKey) })));
  }

  /**
   * The open requests of the caller's schools at `now`, only the keys read: every school's, one query of
   * the tenant's open rows; a coordinator's, one range query per school of theirs.
   */
  async count(tenantId: string, schools: SchoolAccess, now: Date): Promise<number> {
    const at = now.toISOString();
    if (!(await this.isBuilt(tenantId)))
      return (await this.rebuild(tenantId)).filter((e) => (e.expiresAt ?? NEVER) > at && (schools === "all" || schools.includes(e.schoolId))).length;
    const pk = this.pk(tenantId);
    if (schools === "all") return (await this.storage.list("Meta", odata`PartitionKey eq ${pk} and expiresAt gt ${at}`, ["RowKey"])).length;
    const counts = await mapLimited(schools, 8, async (id) => {
      const { lo, hi } = keysUnder(id);
      return (await this.storage.list("Meta", odata`PartitionKey eq ${pk} and RowKey ge ${lo} and RowKey lt ${hi} and expiresAt gt ${at}`, ["RowKey"])).length;
    });
    return counts.reduce((a, b) => a + b, 0);
  }

  private readonly built = new Set<string>();

  /** Whether the tenant's requests are indexed (the marker row; remembered once seen). */
  private async isBuilt(tenantId: string): Promise<boolean> {
    if (!this.built.has(tenantId) && (await this.storage.getOrUndefined("Meta", MARKER_PK(tenantId), MARKER_RK))) this.built.add(tenantId);
    return this.built.has(tenantId);
  }

  /** Indexes a tenant's requests made before the index (once, on a write; the marker row says so). */
  private async ensureBuilt(tenantId: string): Promise<void> {
    if (await this.isBuilt(tenantId)) return;
    const open = await this.rebuild(tenantId);
    await mapLimited(open, 8, (e) => this.write(tenantId, e));
    await this.storage.run("Meta", (t) => t.upsertEntity({ partitionKey: MARKER_PK(tenantId), rowKey: MARKER_RK }, "Replace"));
    this.built.add(tenantId);
  }
}

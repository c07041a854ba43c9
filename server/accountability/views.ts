import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { RequestHandler, Response } from "express";
import { key, keysUnder, type Storage } from "../shared/storage.js";

/**
 * Accountability: who looked at a student's register or export, and when. Kept in the Views table
 * (PK "tenant|student", newest first), apart from the evidence chain; never in the logs.
 */
export interface View {
  by: string;
  at: string;
  what: "register" | "export";
}

/**
 * A bulk read (issue 16): a student list, the register overview or the statistics. One row per read in
 * the tenant's "bulk" partition: who, when, what, how many students and which schools the caller could see.
 * A printed class overview (issue 17 item 7) is one too: its school and class, and how many students it shows.
 */
export interface BulkView {
  by: string;
  at: string;
  what: "student-list" | "overview" | "stats" | "class-overview";
  count: number;
  schools: "all" | string[];
  className?: string;
}

const BULK_WHATS: readonly BulkView["what"][] = ["student-list", "overview", "stats", "class-overview"];

/** Routes whose successful answer is a bulk read, and how many students it holds. */
const BULK: Record<string, { what: BulkView["what"]; count: (body: Record<string, unknown>) => number }> = {
  "/students": { what: "student-list", count: (b) => (Array.isArray(b.students) ? b.students.length : 0) },
  // The overview is numbers over the caller's students (and the few it names): counted as those students.
  "/register/overview": { what: "overview", count: (b) => (typeof b.students === "number" ? b.students : 0) },
  // A page of the register (the grid, the students behind an overview number): the rows it lists.
  "/register/rows": { what: "student-list", count: (b) => (Array.isArray(b.rows) ? b.rows.length : 0) },
  "/stats": { what: "stats", count: (b) => (Array.isArray(b.expiringThisMonth) ? b.expiringThisMonth.length : 0) + (Array.isArray(b.overrides) ? b.overrides.length : 0) },
};

/** Routes (as declared in ApiBuilder) whose successful answer counts as a view of the student `:id`. */
const VIEWED: Record<string, View["what"]> = {
  "/students/:id/register": "register",
  "/students/:id/export": "export",
  "/students/:id/export.pdf": "export",
};

export class ViewLog {
  constructor(private readonly storage: Storage) {}

  async record(tenantId: string, studentId: string, by: string, what: View["what"], at = new Date()): Promise<void> {
    const rowKey = `${String(9_999_999_999_999 - at.getTime()).padStart(13, "0")}_${randomBytes(4).toString("hex")}`;
    const view: View = { by, at: at.toISOString(), what };
    await this.storage.run("Views", (t) => t.createEntity({ partitionKey: key(tenantId, studentId), rowKey, ...view }));
  }

  async recordBulk(tenantId: string, view: BulkView): Promise<void> {
    const rowKey = `${String(9_999_999_999_999 - new Date(view.at).getTime()).padStart(13, "0")}_${randomBytes(4).toString("hex")}`;
    await this.storage.run("Views", (t) =>
      t.createEntity({
        partitionKey: key(tenantId, "bulk"),
        rowKey,
        by: view.by,
        at: view.at,
        what: view.what,
        count: view.count,
        schools: JSON.stringify(view.schools),
        ...(view.className !== undefined ? { className: view.className } : {}),
      }),
    );
  }

  /** Bulk reads, newest first; `visible` keeps those a caller of some schools may see. */
  async listBulk(tenantId: string, visible: (schools: BulkView["schools"]) => boolean, limit = 200): Promise<BulkView[]> {
    const rows = await this.storage.list("Views", odata`PartitionKey eq ${key(tenantId, "bulk")}`);
    return rows
      .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)))
      .map((r): BulkView => ({
        by: String(r.by),
        at: String(r.at),
        what: BULK_WHATS.find((w) => w === r.what) ?? "student-list",
        count: Number(r.count),
        schools: JSON.parse(String(r.schools)) as BulkView["schools"],
        ...(typeof r.className === "string" ? { className: r.className } : {}),
      }))
      .filter((v) => visible(v.schools))
      .slice(0, limit);
  }

  /**
   * The retention purge of the view log (R-RETAIN-VIEWS in docs/RETENTION.md): every row of the tenant,
   * per student or bulk; removes those `due` says and returns how many (`dryRun`: counts only).
   */
  async purgeWhere(
    tenantId: string,
    due: (v: { studentId: string; at: string } | { bulk: true; at: string; schools: BulkView["schools"] }) => boolean,
    dryRun = false,
  ): Promise<number> {
    const { lo, hi } = keysUnder(key(tenantId));
    const rows = await this.storage.list("Views", odata`PartitionKey gt ${lo} and PartitionKey lt ${hi}`, ["PartitionKey", "RowKey", "at", "schools"]);
    const bulkPk = key(tenantId, "bulk");
    const gone = rows
      .filter((r) =>
        String(r.partitionKey) === bulkPk
          ? due({ bulk: true, at: String(r.at), schools: JSON.parse(String(r.schools ?? '"all"')) as BulkView["schools"] })
          : due({ studentId: String(r.partitionKey).slice(lo.length), at: String(r.at) }),
      )
      .map((r) => ({ partitionKey: String(r.partitionKey), rowKey: String(r.rowKey) }));
    return dryRun ? gone.length : this.storage.deleteRows("Views", gone);
  }

  async list(tenantId: string, studentId: string, limit = 200): Promise<View[]> {
    const rows = await this.storage.list("Views", odata`PartitionKey eq ${key(tenantId, studentId)}`, ["by", "at", "what"]);
    return rows
      .sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)))
      .slice(0, limit)
      .map((r) => ({ by: String(r.by), at: String(r.at), what: r.what === "export" ? "export" : "register" }));
  }
}

/**
 * Route middleware (ApiBuilder `extra`): when a register or export is about to be answered with
 * success, the view is stored first; if that fails the answer is withheld (503), so no view goes
 * unrecorded. Failed requests (4xx) record nothing.
 */
export function viewLogging(views: ViewLog): RequestHandler {
  return (req, res, next) => {
    const routePath: unknown = req.route?.path;
    const p = req.principal;
    const bulk = typeof routePath === "string" && req.method === "GET" ? BULK[routePath] : undefined;
    if (bulk && p) {
      withheldUnlessRecorded(res, (body) =>
        views.recordBulk(p.tenantId, { by: p.userId, at: new Date().toISOString(), what: bulk.what, count: bulk.count(body), schools: p.schools === "all" ? "all" : [...p.schools] }),
      );
      return next();
    }
    const what = typeof routePath === "string" ? VIEWED[routePath] : undefined;
    const studentId = req.params.id;
    if (!what || !p || typeof studentId !== "string") return next();
    withheldUnlessRecorded(res, () => views.record(p.tenantId, studentId, p.userId, what));
    next();
  };
}

/**
 * A successful JSON answer (or document: a PDF's bytes) goes out only once `record` has stored the view;
 * if that fails, 503 instead.
 */
function withheldUnlessRecorded(res: Response, record: (body: Record<string, unknown>) => Promise<void>): void {
  const original = res.json.bind(res);
  const send = res.send.bind(res);
  // res.json sends a string through res.send: only bytes are a document's answer here.
  res.send = ((body: unknown) => {
    if (!Buffer.isBuffer(body) || res.statusCode >= 300) return send(body);
    // A JSON answer kept as bytes (PreparedJson in http/api.ts) leaves its value in res.locals.answer.
    const answer: unknown = res.locals.answer;
    record(answer !== null && typeof answer === "object" ? (answer as Record<string, unknown>) : {}).then(
      () => send(body),
      () => {
        res.status(503).setHeader("Retry-After", "5");
        res.removeHeader("Cache-Control");
        res.type("application/json");
        original({ error: { code: "STORAGE_UNAVAILABLE", message: "The view could not be recorded; try again shortly" } });
      },
    );
    return res;
  }) as typeof res.send;
  res.json = ((body: unknown) => {
    if (res.statusCode >= 300) return original(body);
    record(body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {}).then(
      () => original(body),
      () => {
        res.status(503).setHeader("Retry-After", "5");
        original({ error: { code: "STORAGE_UNAVAILABLE", message: "The view could not be recorded; try again shortly" } });
      },
    );
    return res;
  }) as typeof res.json;
}

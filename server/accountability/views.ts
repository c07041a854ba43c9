import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { RequestHandler } from "express";
import { key, type Storage } from "../shared/storage.js";

/**
 * Accountability: who looked at a student's register or export, and when. Kept in the Views table
 * (PK "tenant|student", newest first), apart from the evidence chain; never in the logs.
 */
export interface View {
  by: string;
  at: string;
  what: "register" | "export";
}

/** Routes (as declared in ApiBuilder) whose successful answer counts as a view of the student `:id`. */
const VIEWED: Record<string, View["what"]> = {
  "/students/:id/register": "register",
  "/students/:id/export": "export",
};

export class ViewLog {
  constructor(private readonly storage: Storage) {}

  async record(tenantId: string, studentId: string, by: string, what: View["what"], at = new Date()): Promise<void> {
    const rowKey = `${String(9_999_999_999_999 - at.getTime()).padStart(13, "0")}_${randomBytes(4).toString("hex")}`;
    const view: View = { by, at: at.toISOString(), what };
    await this.storage.run("Views", (t) => t.createEntity({ partitionKey: key(tenantId, studentId), rowKey, ...view }));
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
    const what = typeof routePath === "string" ? VIEWED[routePath] : undefined;
    const p = req.principal;
    const studentId = req.params.id;
    if (!what || !p || typeof studentId !== "string") return next();
    const original = res.json.bind(res);
    res.json = ((body: unknown) => {
      if (res.statusCode >= 300) return original(body);
      views.record(p.tenantId, studentId, p.userId, what).then(
        () => original(body),
        () => {
          res.status(503).setHeader("Retry-After", "5");
          original({ error: { code: "STORAGE_UNAVAILABLE", message: "The view could not be recorded; try again shortly" } });
        },
      );
      return res;
    }) as typeof res.json;
    next();
  };
}

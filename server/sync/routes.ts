import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { DirectoryService } from "../directory/service.js";
import { importStudentCsv } from "./csv-import.js";
import type { SyncServices } from "./service.js";

export function syncRoutes(api: ApiBuilder, sync: SyncServices, directory: DirectoryService, importBodyLimit: string, importBatchRows?: number): void {
  api.implement(routes.syncSds, ({ principal }) => sync.sds(principal));
  // Streamed: the school is checked before the body is read, and the body is parsed as it arrives.
  api.implementStream(routes.importCsv, ({ principal, query, body, lang }) => importStudentCsv(directory, principal.tenantId, query.schoolId, body, { dryRun: query.dryRun === "true", lang, batchRows: importBatchRows }), {
    bodyLimit: importBodyLimit,
  });
}

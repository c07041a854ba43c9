import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { BackupService } from "./service.js";

/** The stored backups (issue 16). A restore is a proposal (POST /approvals {kind: "restore"}), carried out on approval. */
export function backupRoutes(api: ApiBuilder, backups: BackupService): void {
  api.implement(routes.backups, async ({ principal }) => ({ backups: await backups.list(principal.tenantId) }));
}

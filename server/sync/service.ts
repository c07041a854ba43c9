import type { Logger } from "pino";
import type { DirectoryService } from "../directory/service.js";
import type { GraphClients } from "../graph/client.js";
import type { Principal } from "../identity/auth.js";
import { AppError } from "../shared/errors.js";
import { SdsSync, startSdsSchedule, type SdsSchedule, type SdsSyncReport } from "./sds-sync.js";

/** The settings the sync needs (a part of server/config.ts). */
export interface SyncConfig {
  GRAPH_BASE_URL: string;
  SDS_NEW_GUARDIAN_HAS_AUTHORITY: boolean;
  SDS_SYNC_INTERVAL_MINUTES: number;
  SDS_SYNC_TENANTS: string;
}

export interface SyncServices {
  /** Runs the School Data Sync of the caller's tenant now. */
  sds(p: Principal): Promise<SdsSyncReport>;
  close(): void;
}

/**
 * The directory's sources besides the API's own import: School Data Sync from Microsoft Graph (on
 * demand and, when configured, on a schedule) and the CSV export of a student system (sync/csv-import.ts).
 */
export function createSyncServices(deps: {
  clients: GraphClients | undefined;
  directory: DirectoryService;
  config: SyncConfig;
  log: Logger;
  /** Start the SDS schedule when configured (default true); tests turn it off. */
  schedule?: boolean;
}): SyncServices {
  const { clients, directory, config, log } = deps;
  const sds = clients
    ? new SdsSync((tid) => clients.forApp(tid), directory, {
        newGuardianHasAuthority: config.SDS_NEW_GUARDIAN_HAS_AUTHORITY,
        graphBaseUrl: config.GRAPH_BASE_URL,
      })
    : undefined;
  let schedule: SdsSchedule | undefined;
  if (sds && deps.schedule !== false && config.SDS_SYNC_INTERVAL_MINUTES > 0) {
    const tenants = config.SDS_SYNC_TENANTS.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (tenants.length > 0) {
      schedule = startSdsSchedule(sds, tenants, config.SDS_SYNC_INTERVAL_MINUTES, log);
      log.info({ tenants: tenants.length, minutes: config.SDS_SYNC_INTERVAL_MINUTES }, "sds sync scheduled");
    }
  }
  return {
    async sds(p) {
      if (!sds) throw new AppError(503, "GRAPH_ERROR", "Microsoft Graph is not configured on this server (dev mode, or no client secret or certificate)");
      return sds.run(p.tenantId);
    },
    close() {
      schedule?.stop();
    },
  };
}

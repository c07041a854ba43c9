import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { bearerOf } from "../identity/auth.js";
import type { DirectoryService } from "../directory/service.js";
import type { GraphServices } from "./services.js";

/** POST /api/evidence/graph: the server's evidence of an Outlook message (Entra mode; dev mode 503 GRAPH_ERROR). */
export function graphRoutes(api: ApiBuilder, graph: GraphServices, directory: DirectoryService): void {
  api.implement(routes.graphEvidence, async ({ req, principal, body }) => {
    let schoolId = body.schoolId;
    if (body.studentId) schoolId = (await directory.student(principal.tenantId, body.studentId)).schoolId;
    const { mime: _mime, storedAs, ...evidence } = await graph.evidence(principal, bearerOf(req), body.graphMessageId, schoolId, undefined, body.mailboxOwner);
    return { ...evidence, kept: storedAs !== undefined };
  });
}

import type { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import type { SendCheckService } from "./service.js";
import { checkRequest, checkResponse, overrideRequest } from "./schemas.js";

export function sendCheckRoutes(api: ApiBuilder, checks: SendCheckService): void {
  api.add({
    method: "post",
    path: "/check",
    tag: "sendcheck",
    summary: "Check a mail before it is sent: students, recipients, verdict",
    role: "staff",
    body: checkRequest,
    response: checkResponse,
    status: 200,
    handler: ({ principal, body, lang }) => checks.check(principal, body, lang),
  });
  api.add({
    method: "get",
    path: "/checks/:id",
    tag: "sendcheck",
    summary: "A stored check result (never the mail itself)",
    role: "staff",
    response: checkResponse,
    handler: ({ principal, params }) => checks.get(principal, id.parse(params.id)),
  });
  api.add({
    method: "post",
    path: "/checks/:id/override",
    tag: "sendcheck",
    summary: "Send despite a block, with a recorded reason",
    role: "staff",
    body: overrideRequest,
    handler: ({ principal, body, params }) => checks.override(principal, id.parse(params.id), body.reason),
  });
}

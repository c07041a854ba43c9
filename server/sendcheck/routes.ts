import type { ApiBuilder } from "../shared/http.js";
import { id } from "../shared/schemas.js";
import type { SendCheckService } from "./service.js";
import { checkRequest, checkResponse, overrideRequest } from "./schemas.js";

export function sendCheckRoutes(api: ApiBuilder, checks: SendCheckService): void {
  api.add({
    method: "post",
    path: "/check",
    tag: "sendcheck",
    summary:
      "Check a mail: students, recipients, verdict. A query writes nothing; the on-send handler's recording check (mode send, Idempotency-Key) leaves one pending record and returns the header stamp",
    role: "staff",
    body: checkRequest,
    response: checkResponse,
    status: 200,
    ownIdempotency: true,
    handler: ({ req, principal, body, lang }) => checks.check(principal, body, lang, req.get("idempotency-key") ?? undefined),
  });
  api.add({
    method: "get",
    path: "/checks/:id",
    tag: "sendcheck",
    summary: "A stored check result (never the mail itself): only for the user who made it, or a coordinator",
    role: "staff",
    response: checkResponse,
    handler: ({ principal, params }) => checks.get(principal, id.parse(params.id)),
  });
  api.add({
    method: "post",
    path: "/checks/:id/override",
    tag: "sendcheck",
    summary: "Send despite a block, with a recorded reason bound to the digest of the checked mail (logged once Sent Items confirms the send)",
    role: "staff",
    body: overrideRequest,
    handler: ({ principal, body, params, lang }) => checks.override(principal, id.parse(params.id), body.reason, body.mail, lang),
  });
}

import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { SendCheckService } from "./service.js";

export function sendCheckRoutes(api: ApiBuilder, checks: SendCheckService): void {
  // The recording check (mode send) makes the Idempotency-Key its own: the key becomes the check id and
  // its one insert is the idempotency (the generic middleware keeps no marker row for this route).
  api.implement(routes.check, ({ req, principal, body, lang }) => checks.check(principal, body, lang, req.get("idempotency-key") ?? undefined), { ownIdempotency: true });
  api.implement(routes.getCheck, ({ principal, params }) => checks.get(principal, params.id));
  api.implement(routes.override, ({ principal, body, params, lang }) => checks.override(principal, params.id, body.reason, body.mail, lang));
}

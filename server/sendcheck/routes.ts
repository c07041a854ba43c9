import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import type { SendCheckService } from "./service.js";

export function sendCheckRoutes(api: ApiBuilder, checks: SendCheckService): void {
  api.implement(routes.check, ({ principal, body, lang }) => checks.check(principal, body, lang));
  api.implement(routes.getCheck, ({ principal, params }) => checks.get(principal, params.id));
  api.implement(routes.override, ({ principal, body, params }) => checks.override(principal, params.id, body.reason));
}

import { routes } from "../../contract/index.js";
import type { ApiBuilder } from "../http/api.js";
import { bearerOf } from "../identity/auth.js";
import { AppError } from "../shared/errors.js";
import type { SendCheckService } from "./service.js";
import type { AttachmentUploads } from "./attachments.js";

/** The file name of an upload: percent-encoded in X-ZV-Name (a header carries ASCII only). */
function uploadName(header: string | string[] | undefined): string {
  let name: string;
  try {
    name = decodeURIComponent(String(header ?? ""));
  } catch {
    throw new AppError(400, "VALIDATION_FAILED", "Header X-ZV-Name must be the percent-encoded file name");
  }
  if (name.length === 0 || name.length > 1000) throw new AppError(400, "VALIDATION_FAILED", "Header X-ZV-Name must be the file name (1-1000 characters)");
  return name;
}

export function sendCheckRoutes(api: ApiBuilder, checks: SendCheckService, uploads?: AttachmentUploads): void {
  // The recording check (mode send) makes the Idempotency-Key its own: the key becomes the check id and
  // its one insert is the idempotency (the generic middleware keeps no marker row for this route).
  // The caller's token goes along for Graph on behalf of the user (X500, names, list expansion).
  api.implement(routes.check, ({ req, principal, body, lang }) => checks.check(principal, body, lang, req.get("idempotency-key") ?? undefined, bearerOf(req)), {
    ownIdempotency: true,
  });
  api.implement(routes.uploadAttachment, async ({ principal, req }) => {
    const name = uploadName(req.headers["x-zv-name"]);
    if (!uploads) throw new AppError(503, "INTERNAL", "Attachment reading is not available on this server");
    const length = Number(req.headers["content-length"]);
    const contentType = req.headers["content-type"];
    return uploads.upload(principal, req, {
      name,
      correlationId: String(req.headers["x-zv-check"]),
      ...(typeof contentType === "string" && contentType !== "application/octet-stream" ? { contentType } : {}),
      ...(Number.isFinite(length) ? { length } : {}),
    });
  });
  api.implement(routes.getCheck, ({ principal, params }) => checks.get(principal, params.id));
  api.implement(routes.override, ({ principal, body, params, lang }) => checks.override(principal, params.id, body.reason, body.mail, lang));
}

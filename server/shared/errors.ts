import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";

import type { ErrorBody, ErrorCode } from "../../contract/errors.js";

/** The stable error codes are part of the contract (contract/errors.ts). */
export type { ErrorBody, ErrorCode };

/** A configuration the server cannot start with. */
export class ConfigError extends Error {}

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string): AppError => new AppError(404, "NOT_FOUND", `${what} not found`);

function fromUnknown(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (typeof err === "object" && err !== null) {
    const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };
    // body-parser errors
    if (e.type === "entity.parse.failed") return new AppError(400, "BAD_JSON", "The request body is not valid JSON");
    if (e.type === "entity.too.large") return new AppError(413, "BODY_TOO_LARGE", "The request body is too large");
    if (e.type === "encoding.unsupported" || e.type === "charset.unsupported")
      return new AppError(415 as number, "UNPROCESSABLE", "Unsupported body encoding");
    // A body whose Content-Encoding (br, gzip, deflate) does not match its bytes: body-parser's exposed 400 (zlib code).
    if (e.status === 400 && (e as { expose?: unknown }).expose === true && typeof (err as { code?: unknown }).code === "string")
      return new AppError(400, "BAD_ENCODING", "The request body cannot be decoded with its Content-Encoding");
    // The router could not percent-decode a path parameter ("%E0%A4%A"): the client's mistake.
    if (err instanceof URIError && e.status === 400) return new AppError(400, "VALIDATION_FAILED", "A path parameter is not validly encoded");
  }
  return new AppError(500, "INTERNAL", "Something went wrong on our side");
}

/** The one error middleware: every error leaves in the same shape, and the log holds no personal data. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = fromUnknown(err);
    if (appErr.status >= 500) {
      const e = err instanceof Error ? err : undefined;
      // Only the error class and code are logged: messages from storage may echo keys (student ids are pseudonymous, names are not logged).
      log.error({ code: appErr.code, errName: e?.name, errCode: (err as { code?: unknown })?.code, route: routeOf(req) }, "request failed");
    }
    if (appErr.headers) for (const [k, v] of Object.entries(appErr.headers)) res.setHeader(k, v);
    const body: ErrorBody = { error: { code: appErr.code, message: appErr.message } };
    if (appErr.details !== undefined) body.error.details = appErr.details;
    res.status(appErr.status).json(body);
  };
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new AppError(404, "NOT_FOUND", `No route ${req.method} ${req.path}`));
};

export function routeOf(req: { baseUrl?: string; route?: { path?: unknown } }): string {
  const p = req.route?.path;
  return `${req.baseUrl ?? ""}${typeof p === "string" ? p : ""}` || "(unmatched)";
}

import express, { Router, type Request, type RequestHandler } from "express";
import { z } from "zod";
import { MEDIA_TYPES, errorBody, type AnyRoute, type HandlerInput, type HandlerOutput, type Lang } from "../../contract/index.js";
import { AppError } from "../shared/errors.js";
import { principalOf, requireRole, type Principal } from "../identity/auth.js";

export function langOf(req: Request): Lang {
  return req.acceptsLanguages("nl", "en") === "en" ? "en" : "nl";
}

/** Validates input against a schema; failures are 400 VALIDATION_FAILED with the paths that failed. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params"): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError(
      400,
      "VALIDATION_FAILED",
      where === "body" && (value === undefined || value === null) ? "A request body is required" : `The ${where} is not valid`,
      r.error.issues.slice(0, 20).map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message })),
    );
  }
  return r.data;
}

export type Ctx<Rt extends AnyRoute> = HandlerInput<Rt> & {
  req: Request;
  /** The caller (from a verified token); an anonymous route has none. */
  principal: Rt["access"] extends "anonymous" ? undefined : Principal;
  lang: Lang;
  /** Set when the request carries an Idempotency-Key (see idempotency.ts). */
  requestKey: string | undefined;
};

export type Handler<Rt extends AnyRoute> = (ctx: Ctx<Rt>) => Promise<HandlerOutput<Rt>>;

export interface ApiOptions {
  defaultBodyLimit: string;
  /** Middleware run after the body parser on every signed-in route (idempotency, view logging). */
  extra?: RequestHandler[];
  /** Test mode: every answer is checked against its route's response schema; a mismatch is 500 RESPONSE_INVALID. */
  validateResponses?: boolean;
}

/** Path ids: the same characters and length as the `id` pattern (contract/patterns.ts). */
const PARAM = /^[A-Za-z0-9._~:@-]{1,100}$/;

const checkParams: RequestHandler = (req, _res, next) => {
  for (const [k, v] of Object.entries(req.params)) {
    if (typeof v !== "string" || !PARAM.test(v))
      return next(new AppError(400, "VALIDATION_FAILED", `The path parameter ${k} is not valid (at most 100 letters, digits or . _ ~ : @ -)`));
  }
  next();
};

/** No request body of this API nests deeper than this; deeper is refused before anything (hashing, validation) recurses into it. */
export const MAX_BODY_DEPTH = 32;

/** Depth of a parsed JSON value, iteratively (a recursive walk would overflow on hostile input); stops once past `limit`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (d + 1 > limit) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, d + 1]);
  }
  return false;
}

const checkDepth: RequestHandler = (req, _res, next) => {
  if (jsonDepthExceeds(req.body, MAX_BODY_DEPTH)) return next(new AppError(400, "VALIDATION_FAILED", `The request body nests deeper than ${MAX_BODY_DEPTH} levels`));
  next();
};

/**
 * The server side of the contract's route table: `implement(route, handler)` validates the input,
 * checks the role, answers with the declared status and media type and (in test mode) checks the
 * answer against the declared response schema. Routes that need a signed-in user are on `router`
 * (mounted behind authentication), anonymous ones on `anonymousRouter`.
 */
export class ApiBuilder {
  readonly router = Router();
  readonly anonymousRouter = Router();
  private readonly implemented: AnyRoute[] = [];

  constructor(private readonly opts: ApiOptions) {}

  /** The routes implemented so far, in order (the OpenAPI document and docs/API.md are made from them). */
  get routes(): readonly AnyRoute[] {
    return this.implemented;
  }

  /**
   * `ownIdempotency`: the handler makes the Idempotency-Key its own (POST /api/check: the key becomes the
   * check id and one insert is the idempotency), so the generic middleware keeps no marker row for it.
   */
  implement<Rt extends AnyRoute>(rt: Rt, handler: Handler<Rt>, o: { bodyLimit?: string; ownIdempotency?: boolean } = {}): void {
    this.implemented.push(rt);
    const anonymous = rt.access === "anonymous";
    const access = rt.access;
    const handlers: RequestHandler[] = access === "any" || access === "anonymous" ? [] : [requireRole(access)];
    // Path ids first: the view log and the idempotency middleware below must never see a bad one.
    handlers.push(checkParams);
    const limit = o.bodyLimit ?? this.opts.defaultBodyLimit;
    if (rt.method !== "get")
      handlers.push(
        rt.bodyType === "csv"
          ? express.text({ type: ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"], limit, defaultCharset: "utf-8" })
          : express.json({ limit }),
        checkDepth,
      );
    if (o.ownIdempotency)
      handlers.push((_req, res, next) => {
        res.locals.ownIdempotency = true;
        next();
      });
    // After the body parser: the idempotency middleware hashes the parsed body.
    if (!anonymous) handlers.push(...(this.opts.extra ?? []));
    handlers.push(async (req, res) => {
      const input = {
        params: rt.params ? parse(rt.params, { ...req.params }, "params") : undefined,
        query: parse(rt.query ?? z.object({}).strict(), { ...req.query }, "query"),
        body: rt.body ? parse(rt.body, req.body, "body") : undefined,
      } as HandlerInput<Rt>;
      const result = await handler({
        ...input,
        req,
        principal: (anonymous ? undefined : principalOf(req)) as Ctx<Rt>["principal"],
        lang: langOf(req),
        requestKey: typeof res.locals.requestKey === "string" ? res.locals.requestKey : undefined,
      });
      if (this.opts.validateResponses) checkAnswer(rt, result);
      if (rt.produces === "json") res.status(rt.status).json(result);
      else res.status(rt.status).type(MEDIA_TYPES[rt.produces]).send(result);
    });
    (anonymous ? this.anonymousRouter : this.router)[rt.method](rt.path, ...handlers);
  }

  openapi(info: { title: string; version: string }): { openapi: string; info: typeof info; paths: Record<string, Record<string, Record<string, unknown>>> } {
    const paths: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const rt of this.implemented) (paths[openapiPath(rt.path)] ??= {})[rt.method] = operation(rt);
    return {
      openapi: "3.1.0",
      info,
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      paths,
    } as ReturnType<ApiBuilder["openapi"]>;
  }
}

/** Test mode: the answer must match what the route declares, or the request fails loudly. */
function checkAnswer(rt: AnyRoute, result: unknown): void {
  const r = rt.response.safeParse(result);
  if (r.success) return;
  throw new AppError(
    500,
    "RESPONSE_INVALID",
    `The answer of ${rt.method.toUpperCase()} /api${rt.path} does not match its declared response schema`,
    r.error.issues.slice(0, 20).map((i) => ({ path: ["response", ...i.path.map(String)].join("."), message: i.message })),
  );
}

const jsonSchema = (s: z.ZodType, io: "input" | "output"): Record<string, unknown> =>
  z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;

export const openapiPath = (p: string): string => `/api${p.replace(/:([A-Za-z]+)/g, "{$1}")}`;

function operation(rt: AnyRoute): Record<string, unknown> {
  const params = [...rt.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  const q = rt.query ? (jsonSchema(rt.query, "input") as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
  const queryParams = Object.entries(q?.properties ?? {}).map(([name, s]) => ({ name, in: "query", required: q?.required?.includes(name) ?? false, schema: s }));
  const op: Record<string, unknown> = {
    summary: rt.summary,
    tags: [rt.tag],
    security: rt.access === "anonymous" ? [] : [{ bearer: [] }],
    "x-required-role": rt.access === "anonymous" ? "none" : rt.access,
    "x-school-scope": rt.scope,
    parameters: [...params, ...queryParams],
    responses: {
      [String(rt.status)]: { description: "OK", content: { [MEDIA_TYPES[rt.produces]]: { schema: jsonSchema(rt.response, "output") } } },
      default: { description: "Error", content: { "application/json": { schema: jsonSchema(errorBody, "output") } } },
    },
  };
  if (rt.body) op.requestBody = { required: true, content: { [rt.bodyType === "csv" ? "text/csv" : "application/json"]: { schema: jsonSchema(rt.body, "input") } } };
  return op;
}

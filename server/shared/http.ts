import express, { Router, type Request, type RequestHandler } from "express";
import { z } from "zod";
import { AppError } from "./errors.js";
import { principalOf, requireRole, type Principal, type Role } from "../identity/auth.js";
import { errorBody } from "./schemas.js";

export type Lang = "nl" | "en";

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

interface Ctx<B, Q> {
  req: Request;
  principal: Principal;
  body: B;
  query: Q;
  params: Record<string, string>;
  lang: Lang;
  /** Set when the request carries an Idempotency-Key (see idempotency.ts). */
  requestKey: string | undefined;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, R> {
  method: "get" | "post" | "put";
  path: string;
  summary: string;
  /** "any": every signed-in user, whatever their roles (GET /api/me). */
  role: Role | "any";
  tag: string;
  body?: B;
  query?: Q;
  response?: z.ZodType;
  status?: number;
  bodyLimit?: string;
  /** The body's media type: JSON (default) or a CSV text (validated by a string schema). */
  bodyType?: "json" | "csv";
  /**
   * The handler makes the Idempotency-Key its own (POST /api/check: the key becomes the check id and one
   * insert is the idempotency), so the generic middleware keeps no marker row for this route.
   */
  ownIdempotency?: boolean;
  handler: (ctx: Ctx<z.infer<B>, z.infer<Q>>) => Promise<R>;
}

interface Documented {
  method: string;
  path: string;
  summary: string;
  role: Role | "any";
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status: number;
  bodyType?: "json" | "csv";
}

const PARAM = /^[A-Za-z0-9._~:@-]{1,200}$/;

/**
 * Routes are declared once: the declaration validates the input, checks the role, and feeds the
 * OpenAPI document, so the documentation cannot drift from what the server accepts.
 */
export class ApiBuilder {
  readonly router = Router();
  private readonly documented: Documented[] = [];

  constructor(private readonly defaultBodyLimit: string, private readonly extra: RequestHandler[] = []) {}

  add<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodObject, R = unknown>(spec: RouteSpec<B, Q, R>): void {
    const status = spec.status ?? (spec.method === "post" ? 201 : 200);
    this.documented.push({ ...spec, status });
    const handlers: RequestHandler[] = spec.role === "any" ? [] : [requireRole(spec.role)];
    const limit = spec.bodyLimit ?? this.defaultBodyLimit;
    if (spec.method !== "get")
      handlers.push(
        spec.bodyType === "csv"
          ? express.text({ type: ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"], limit, defaultCharset: "utf-8" })
          : express.json({ limit }),
      );
    if (spec.ownIdempotency)
      handlers.push((_req, res, next) => {
        res.locals.ownIdempotency = true;
        next();
      });
    // After the body parser: the idempotency middleware hashes the parsed body.
    handlers.push(...this.extra);
    handlers.push(async (req, res) => {
      for (const [k, v] of Object.entries(req.params)) {
        if (typeof v !== "string" || !PARAM.test(v)) throw new AppError(400, "VALIDATION_FAILED", `The path parameter ${k} is not valid`);
      }
      const body = spec.body ? parse(spec.body, req.body, "body") : undefined;
      const query = parse(spec.query ?? z.object({}).strict(), { ...req.query }, "query");
      const result = await spec.handler({
        req,
        principal: principalOf(req),
        body: body as z.infer<B>,
        query: query as z.infer<Q>,
        params: req.params as Record<string, string>,
        lang: langOf(req),
        requestKey: typeof res.locals.requestKey === "string" ? res.locals.requestKey : undefined,
      });
      res.status(status).json(result);
    });
    this.router[spec.method](spec.path, ...handlers);
  }

  openapi(info: { title: string; version: string }): unknown {
    const paths: Record<string, Record<string, unknown>> = {};
    const schema = (s: z.ZodType): unknown => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
    for (const d of this.documented) {
      const p = `/api${d.path.replace(/:([A-Za-z]+)/g, "{$1}")}`;
      const params = [...d.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
      const querySchema = d.query ? (schema(d.query) as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
      const queryParams = Object.entries(querySchema?.properties ?? {}).map(([name, s]) => ({
        name,
        in: "query",
        required: querySchema?.required?.includes(name) ?? false,
        schema: s,
      }));
      paths[p] ??= {};
      const op: Record<string, unknown> = {
        summary: d.summary,
        tags: [d.tag],
        security: [{ bearer: [] }],
        "x-required-role": d.role,
        parameters: [...params, ...queryParams],
        responses: {
          [String(d.status)]: {
            description: "OK",
            content: { "application/json": { schema: d.response ? schema(d.response) : {} } },
          },
          default: { description: "Error", content: { "application/json": { schema: schema(errorBody) } } },
        },
      };
      if (d.body)
        op.requestBody = { required: true, content: { [d.bodyType === "csv" ? "text/csv" : "application/json"]: { schema: schema(d.body) } } };
      paths[p][d.method] = op;
    }
    return {
      openapi: "3.1.0",
      info,
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      paths,
    };
  }
}

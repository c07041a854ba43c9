import type { Principal } from "../identity/auth.js";
import type { RecipientInput, RecipientType } from "../../contract/index.js";

/**
 * Every recipient of a mail, accounted for (DOMAIN.md section 5): Outlook gives SMTP addresses, Exchange
 * X500 addresses (LegacyExchangeDN, e.g. of a personal contact: office-js #3701), names it could not
 * resolve, distribution lists and groups. What is not a plain SMTP address of a single person is handed
 * to a resolver (Microsoft Graph on behalf of the user, server/graph/recipients.ts); whatever stays
 * unresolved is kept as an unresolved recipient, never dropped.
 */

export type Field = "to" | "cc" | "bcc";

/** One recipient as the add-in sent it, with its field. */
export interface GivenRecipient {
  address: string;
  name?: string;
  type?: RecipientType;
  field: Field;
}

export type UnresolvedWhy = "not-found" | "ambiguous" | "no-graph" | "hidden-members" | "empty-list" | "graph-error";

/** What a resolver made of one recipient. */
export type Resolution =
  | { kind: "person"; address: string }
  | { kind: "list"; address: string; members: { address: string; name?: string }[] }
  | { kind: "unresolved"; why: UnresolvedWhy };

export interface RecipientResolver {
  /** Resolves each recipient (same order). Never rejects: a failure is an unresolved recipient. */
  resolve(p: Principal, userToken: string | undefined, recipients: GivenRecipient[]): Promise<Resolution[]>;
}

/** A recipient as the rules see it. */
export interface CheckedRecipient {
  address: string;
  field: Field;
  name?: string;
  type?: RecipientType;
  /** A member of this list (its address). */
  via?: string;
  /** The list itself (its members follow as their own recipients). */
  list?: boolean;
  /** Not resolvable to an address: why. */
  unresolved?: UnresolvedWhy;
}

const SMTP = /^[^\s@/]+@[^\s@]+\.[^\s@]+$/;

export function isSmtp(address: string): boolean {
  return SMTP.test(address.trim());
}

/** Lists and groups are expanded; a person with an SMTP address needs nothing. */
export function needsResolution(r: GivenRecipient): boolean {
  return r.type === "distributionList" || r.type === "group" || !isSmtp(r.address);
}

/** The request's recipients (strings from the first API, or objects) as one list with their fields. */
export function givenRecipients(req: Record<Field, (string | RecipientInput)[]>): GivenRecipient[] {
  const out: GivenRecipient[] = [];
  for (const field of ["to", "cc", "bcc"] as const) {
    for (const r of req[field]) {
      if (typeof r === "string") out.push({ address: r.trim(), field });
      else out.push({ address: r.address, field, ...(r.name ? { name: r.name } : {}), ...(r.type ? { type: r.type } : {}) });
    }
  }
  return out;
}

/**
 * Resolves what needs it (one resolver call for all of them) and returns the recipients the rules check:
 * persons by their SMTP address, a list followed by its members, and unresolved recipients by what
 * Outlook showed (address, else the display name).
 */
export async function checkedRecipients(
  given: GivenRecipient[],
  p: Principal | undefined,
  userToken: string | undefined,
  resolver: RecipientResolver | undefined,
): Promise<CheckedRecipient[]> {
  const pending = given.filter(needsResolution);
  const resolved: Resolution[] = resolver && p
    ? await resolver.resolve(p, userToken, pending)
    : pending.map(() => ({ kind: "unresolved", why: "no-graph" }) as const);
  const byGiven = new Map<GivenRecipient, Resolution>(pending.map((g, i) => [g, resolved[i] ?? { kind: "unresolved", why: "not-found" }]));
  const out: CheckedRecipient[] = [];
  for (const g of given) {
    const base = { field: g.field, ...(g.name ? { name: g.name } : {}), ...(g.type ? { type: g.type } : {}) };
    const r = byGiven.get(g);
    if (!r) out.push({ address: g.address, ...base });
    else if (r.kind === "person") out.push({ address: r.address, ...base });
    else if (r.kind === "unresolved") out.push({ address: g.address || g.name || "?", ...base, unresolved: r.why });
    else {
      out.push({ address: r.address, ...base, list: true });
      for (const m of r.members) out.push({ address: m.address, field: g.field, ...(m.name ? { name: m.name } : {}), via: r.address });
    }
  }
  return out;
}

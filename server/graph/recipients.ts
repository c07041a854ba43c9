import type { Client } from "@microsoft/microsoft-graph-client";
import type { Principal } from "../identity/auth.js";
import { AppError } from "../shared/errors.js";
import { graphCall, relativeToBase } from "./client.js";
import { isSmtp, type GivenRecipient, type RecipientResolver, type Resolution } from "../sendcheck/recipients.js";

/**
 * Resolves recipients that are not a plain SMTP address, through Microsoft Graph on behalf of the sender
 * (see docs/OUTLOOK.md, "Recipients Outlook does not give as SMTP"):
 *
 *  - an X500 / LegacyExchangeDN: users (then groups) whose `proxyAddresses` hold `X500:<dn>`; then the
 *    alias at the end of the DN's last `cn=` (`<32 hex>-<alias>`) as `mailNickname`; then the sender's
 *    own contacts (`/me/contacts`, Contacts.Read) whose address is that DN, by their SMTP address or name;
 *  - a typed name: `mailNickname`, then `displayName` (only when exactly one user has it);
 *  - a distribution list or Microsoft 365 group: the group by `mail` or `proxyAddresses`, expanded with
 *    `/groups/{id}/transitiveMembers` (nested groups flattened, guests and mail contacts included).
 *
 * What stays open is unresolved with a reason: not found, ambiguous, a list whose members Graph does not
 * show (hidden membership, Exchange dynamic distribution lists, personal contact groups), Graph failing.
 */

/** Most members read from one list (pages of 999); a longer list is treated as unresolved. */
const MAX_MEMBERS = 5000;

interface DirectoryObject {
  "@odata.type"?: string;
  id?: string;
  mail?: string | null;
  displayName?: string | null;
  userPrincipalName?: string | null;
  proxyAddresses?: string[];
}
interface Page<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}
interface Contact {
  displayName?: string | null;
  emailAddresses?: { name?: string | null; address?: string | null }[];
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** "X500:/o=..." or "/o=..." as the DN; undefined when not an X500 address. */
export function x500Of(address: string): string | undefined {
  const a = address.trim();
  const dn = /^x500:/i.test(a) ? a.slice(5) : a;
  return /^\/o=/i.test(dn) ? dn : undefined;
}

/** The alias Exchange Online puts after the GUID in the last cn= of a LegacyExchangeDN. */
export function aliasOfDn(dn: string): string | undefined {
  const last = /\/cn=([^/]+)$/i.exec(dn)?.[1];
  if (!last) return undefined;
  const m = /^[0-9a-f]{32}-(.+)$/i.exec(last);
  return m?.[1] ?? (/^recipients$/i.test(last) ? undefined : last);
}

const SELECT_USER = "id,mail,displayName,userPrincipalName";

/** The SMTP address of a user or contact object (mail, else an SMTP proxy address). */
function smtpOf(o: DirectoryObject): string | undefined {
  if (o.mail && isSmtp(o.mail)) return o.mail.toLowerCase();
  const primary = (o.proxyAddresses ?? []).find((p) => p.startsWith("SMTP:")) ?? (o.proxyAddresses ?? []).find((p) => /^smtp:/i.test(p));
  return primary ? primary.slice(5).toLowerCase() : undefined;
}

export class GraphRecipientResolver implements RecipientResolver {
  constructor(
    /** A Graph client for the user (on behalf of the user's token). */
    private readonly clientFor: (p: Principal, userToken: string) => Client,
    private readonly graphBaseUrl: string,
  ) {}

  async resolve(p: Principal, userToken: string | undefined, recipients: GivenRecipient[]): Promise<Resolution[]> {
    if (recipients.length === 0) return [];
    if (!userToken) return recipients.map(() => ({ kind: "unresolved", why: "no-graph" }));
    const graph = this.clientFor(p, userToken);
    return Promise.all(
      recipients.map(async (r): Promise<Resolution> => {
        try {
          return r.type === "distributionList" || r.type === "group" ? await this.list(graph, r) : await this.person(graph, r);
        } catch (err) {
          const e = err instanceof AppError ? err : undefined;
          // A token problem must reach the user (sign in again, consent), not hide as one unknown recipient.
          if (e && (e.code === "CONSENT_REQUIRED" || e.code === "INTERACTION_REQUIRED")) throw e;
          return { kind: "unresolved", why: "graph-error" };
        }
      }),
    );
  }

  private async get<T>(graph: Client, path: string, filter?: string, select?: string, top?: number): Promise<T> {
    return graphCall(async () => {
      let req = graph.api(path);
      if (filter) req = req.filter(filter);
      if (select) req = req.select(select);
      if (top) req = req.top(top);
      return (await req.get()) as T;
    });
  }

  /** Exactly one user matching the filter, else undefined (none) or "ambiguous". */
  private async oneUser(graph: Client, filter: string): Promise<DirectoryObject | "ambiguous" | undefined> {
    const page = await this.get<Page<DirectoryObject>>(graph, "/users", filter, `${SELECT_USER},proxyAddresses`, 2);
    const users = page.value ?? [];
    if (users.length > 1) return "ambiguous";
    return users[0];
  }

  private async person(graph: Client, r: GivenRecipient): Promise<Resolution> {
    if (isSmtp(r.address)) return { kind: "person", address: r.address.toLowerCase() };
    const dn = x500Of(r.address);
    const attempts: string[] = [];
    if (dn) {
      attempts.push(`proxyAddresses/any(x:x eq ${quote(`X500:${dn}`)})`);
      const alias = aliasOfDn(dn);
      if (alias) attempts.push(`mailNickname eq ${quote(alias)}`);
    } else if (r.address) {
      attempts.push(`mailNickname eq ${quote(r.address)}`);
    }
    let ambiguous = false;
    for (const filter of attempts) {
      const u = await this.oneUser(graph, filter);
      if (u === "ambiguous") ambiguous = true;
      else if (u && smtpOf(u)) return { kind: "person", address: smtpOf(u) ?? "" };
    }
    if (dn) {
      // An X500 address may also be a group's (a list picked from a contact).
      const g = await this.get<Page<DirectoryObject>>(graph, "/groups", `proxyAddresses/any(x:x eq ${quote(`X500:${dn}`)})`, "id,mail,displayName", 2);
      const group = g.value?.length === 1 ? g.value[0] : undefined;
      if (group?.id) return this.expand(graph, group);
      const contact = await this.contact(graph, dn);
      if (contact) return contact;
    }
    const name = r.name ?? (dn ? undefined : r.address);
    if (name) {
      const u = await this.oneUser(graph, `displayName eq ${quote(name)}`);
      if (u === "ambiguous") ambiguous = true;
      else if (u && smtpOf(u)) return { kind: "person", address: smtpOf(u) ?? "" };
    }
    return { kind: "unresolved", why: ambiguous ? "ambiguous" : "not-found" };
  }

  /** A personal contact whose address is this DN: its SMTP address, else the one user with its name. */
  private async contact(graph: Client, dn: string): Promise<Resolution | undefined> {
    const page = await this.get<Page<Contact>>(
      graph,
      "/me/contacts",
      `emailAddresses/any(a:a/address eq ${quote(dn)})`,
      "displayName,emailAddresses",
      2,
    );
    const c = page.value?.length === 1 ? page.value[0] : undefined;
    if (!c) return undefined;
    const smtp = (c.emailAddresses ?? []).map((e) => e.address ?? "").find(isSmtp);
    if (smtp) return { kind: "person", address: smtp.toLowerCase() };
    const name = c.displayName ?? c.emailAddresses?.find((e) => e.address === dn)?.name;
    if (!name) return undefined;
    const u = await this.oneUser(graph, `displayName eq ${quote(name)}`);
    return u && u !== "ambiguous" && smtpOf(u) ? { kind: "person", address: smtpOf(u) ?? "" } : undefined;
  }

  private async list(graph: Client, r: GivenRecipient): Promise<Resolution> {
    const dn = x500Of(r.address);
    const filter = isSmtp(r.address)
      ? `mail eq ${quote(r.address.toLowerCase())} or proxyAddresses/any(x:x eq ${quote(`smtp:${r.address}`)})`
      : dn
        ? `proxyAddresses/any(x:x eq ${quote(`X500:${dn}`)})`
        : r.name
          ? `displayName eq ${quote(r.name)}`
          : undefined;
    if (!filter) return { kind: "unresolved", why: "not-found" };
    const page = await this.get<Page<DirectoryObject>>(graph, "/groups", filter, "id,mail,displayName", 2);
    const groups = page.value ?? [];
    if (groups.length > 1) return { kind: "unresolved", why: "ambiguous" };
    const group = groups[0];
    // Not a group Graph knows: an Exchange dynamic distribution list, a personal contact group.
    if (!group?.id) return { kind: "unresolved", why: "not-found" };
    return this.expand(graph, group);
  }

  private async expand(graph: Client, group: DirectoryObject): Promise<Resolution> {
    const members: { address: string; name?: string }[] = [];
    let path: string | undefined = `/groups/${encodeURIComponent(group.id ?? "")}/transitiveMembers?$select=id,mail,displayName,userPrincipalName,proxyAddresses&$top=999`;
    try {
      while (path) {
        const page: Page<DirectoryObject> = await this.get<Page<DirectoryObject>>(graph, path);
        for (const m of page.value ?? []) {
          if ((m["@odata.type"] ?? "").endsWith(".group")) continue; // flattened: its members are listed too
          const address = smtpOf(m);
          if (address) members.push({ address, ...(m.displayName ? { name: m.displayName } : {}) });
        }
        if (members.length > MAX_MEMBERS) return { kind: "unresolved", why: "hidden-members" };
        const next = page["@odata.nextLink"];
        path = next ? relativeToBase(next, this.graphBaseUrl) : undefined;
      }
    } catch (err) {
      if (err instanceof AppError && (err.status === 403 || err.status === 404)) return { kind: "unresolved", why: "hidden-members" };
      throw err;
    }
    if (members.length === 0) return { kind: "unresolved", why: "empty-list" };
    const own = group.mail && isSmtp(group.mail) ? group.mail.toLowerCase() : (group.displayName ?? "list");
    return { kind: "list", address: own, members };
  }
}

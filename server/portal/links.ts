import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import { PARENT_TOKEN_PATTERN, type Decision } from "../../contract/index.js";
import { AppError } from "../shared/errors.js";
import { isConflict, key, type Storage } from "../shared/storage.js";
import type { IntegrityKeys } from "../register/integrity.js";

/**
 * The personal links of the parents' page. A link is `<link id>.<key id>.<MAC>`: the link id names a
 * stored row (tenant, request, holder, expiry and what happened with the link); the MAC (HMAC-SHA-256
 * with the integrity key from configuration, purpose "parent-link") binds all of them, so a link that
 * was altered, made up, or whose row was changed in storage is refused. A link is single-purpose: it
 * answers one request for one holder, records one answer, and after a granted answer one withdrawal.
 */

/** Who a link is for: a guardian ("g:<id>") or the student from the consent age ("student"). */
export type Holder = `g:${string}` | "student";

export interface ParentLink {
  linkId: string;
  tenantId: string;
  requestId: string;
  holder: Holder;
  expiresAt: string;
  openedAt?: string;
  answeredAt?: string;
  decision?: Decision;
  consentId?: string;
  withdrawnAt?: string;
}

/** Links are found by their id alone (the page has no tenant to start from): one partition for all. */
const PK = "parentlink";

export const invalid = (): AppError =>
  new AppError(404, "LINK_INVALID", {
    en: "This link is not valid. Perhaps it was not copied completely. Use the link in the email from the school, or contact the school.",
    nl: "Deze link klopt niet. Misschien is hij niet helemaal gekopieerd. Gebruik de link in de e-mail van de school, of neem contact op met de school.",
  });

export const holderOf = (by: { guardianId: string } | { student: true }): Holder => ("guardianId" in by ? `g:${by.guardianId}` : "student");
export const actorOf = (h: Holder): { guardianId: string } | { student: true } => (h === "student" ? { student: true } : { guardianId: h.slice(2) });

export class ParentLinks {
  constructor(
    private readonly storage: Storage,
    private readonly keys: IntegrityKeys,
  ) {}

  private sealText(l: Pick<ParentLink, "linkId" | "tenantId" | "requestId" | "holder" | "expiresAt">): string {
    return JSON.stringify([l.linkId, l.tenantId, l.requestId, l.holder, l.expiresAt]);
  }

  /** Makes and stores a link; returns its token (the last part of the page's URL). */
  async issue(tenantId: string, requestId: string, holder: Holder, expiresAt: string): Promise<{ linkId: string; token: string }> {
    const linkId = randomBytes(8).toString("hex");
    const link: ParentLink = { linkId, tenantId, requestId, holder, expiresAt };
    const seal = this.keys.seal("parent-link", this.sealText(link));
    await this.storage.run("Meta", (t) => t.createEntity({ partitionKey: PK, rowKey: linkId, data: JSON.stringify(link) }));
    return { linkId, token: `${linkId}.${seal.keyId}.${seal.mac}` };
  }

  /**
   * The link a token names, with its row's ETag: refused (404 LINK_INVALID) when the token is malformed,
   * names no link or its MAC does not match; 410 LINK_EXPIRED past its expiry (the row is still returned
   * to the caller through `allowExpired`, to show what was answered).
   */
  async resolve(token: string, now = new Date(), allowExpired = false): Promise<{ link: ParentLink; etag: string; expired: boolean }> {
    if (!PARENT_TOKEN_PATTERN.test(token)) throw invalid();
    const [linkId = "", keyId = "", mac = ""] = token.split(".");
    // Only the canonical spelling: the last base64url character has unused bits, so two spellings decode alike.
    if (Buffer.from(mac, "base64url").toString("base64url") !== mac) throw invalid();
    const e = await this.storage.getOrUndefined("Meta", PK, key(linkId));
    if (!e) throw invalid();
    const link = JSON.parse(String(e.data)) as ParentLink;
    if (link.linkId !== linkId || !this.keys.verify("parent-link", this.sealText(link), { keyId, mac })) throw invalid();
    const expired = Date.parse(link.expiresAt) <= now.getTime();
    if (expired && !allowExpired)
      throw new AppError(410, "LINK_EXPIRED", {
        en: "This link has expired. Ask the school for a new one, or answer by replying to the school's email.",
        nl: "Deze link is verlopen. Vraag de school om een nieuwe link, of antwoord op de e-mail van de school.",
      });
    return { link, etag: String(e.etag), expired };
  }

  /** Stores a change of the link's state, only if nobody changed it since it was read (409 CONFLICT otherwise). */
  async update(link: ParentLink, etag: string): Promise<void> {
    await this.storage.run("Meta", (t) => t.updateEntity({ partitionKey: PK, rowKey: key(link.linkId), data: JSON.stringify(link) }, "Replace", { etag }));
  }

  /** Marks the link opened (first view only; a lost race is harmless). */
  async markOpened(link: ParentLink, etag: string, at: Date): Promise<ParentLink> {
    if (link.openedAt) return link;
    const next = { ...link, openedAt: at.toISOString() };
    await this.update(next, etag).catch((err: unknown) => {
      if (!isConflict(err)) throw err;
    });
    return next;
  }

  /**
   * The retention purge of a tenant's links (R-RETAIN-LINKS in docs/RETENTION.md): removes those `due`
   * says, returns how many (`dryRun`: counts, removes nothing). Links share one partition (the page finds
   * a link by its id alone), so the tenant is read from each row.
   */
  async purgeWhere(tenantId: string, due: (l: ParentLink) => boolean, dryRun = false): Promise<number> {
    const rows = await this.storage.list("Meta", odata`PartitionKey eq ${PK}`);
    const gone = rows
      .filter((e) => {
        const l = JSON.parse(String(e.data)) as ParentLink;
        return l.tenantId === tenantId && due(l);
      })
      .map((e) => ({ partitionKey: PK, rowKey: String(e.rowKey) }));
    return dryRun ? gone.length : this.storage.deleteRows("Meta", gone);
  }

  /** The stored state of links by id (the follow-up list); unknown ids are left out. */
  async states(linkIds: string[]): Promise<Map<string, ParentLink>> {
    const out = new Map<string, ParentLink>();
    const rows = await Promise.all(linkIds.map((id) => this.storage.getOrUndefined("Meta", PK, key(id))));
    for (const e of rows) {
      if (!e) continue;
      const l = JSON.parse(String(e.data)) as ParentLink;
      out.set(l.linkId, l);
    }
    return out;
  }
}

import { BlobServiceClient, RestError, type ContainerClient } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { sha256Hex } from "../shared/hash.js";
import type { ChainProblem, RegisterEvent } from "./domain.js";
import type { IntegrityKeys } from "./integrity.js";
import type { Partition, RegisterRepository } from "./repository.js";
import type { Logger } from "../shared/logger.js";
import { everyTenant, REAL_TIMERS, type Timers } from "../shared/schedule.js";
import { AppError } from "../shared/errors.js";
import type { StorageAccount } from "../shared/storage.js";

/**
 * Signed checkpoints of a tenant's register, kept outside the table. A keyed MAC on each HEAD stops a
 * forged state, but not a rollback: whoever holds the storage key can delete the newest events and
 * put back an older (validly sealed) HEAD, or delete a student's whole partition. So every so often
 * the heads of all chains of a tenant go into a checkpoint (a Merkle root over the heads, with the
 * counts, sealed with the integrity key) that is written append-only to Blob Storage: in production
 * a container with a time-based immutability policy (infra/main.bicep), which the storage key cannot
 * shorten or delete. The audit compares the chains with the last checkpoint.
 *
 * Azurite's Blob service has no immutability: locally, append-only is this code's own behaviour (a
 * blob is created with If-None-Match: *, never overwritten or deleted), see docs/SECURITY.md.
 */
export interface CheckpointHead {
  studentId: string;
  seq: number;
  hash: string;
}

export interface Checkpoint {
  format: "zorgvuldig-checkpoint";
  version: 1;
  tenantId: string;
  at: string;
  /** Number of chains and the sum of their sequence numbers (events ever recorded, purged ones included). */
  chains: number;
  events: number;
  /** Merkle root over the heads (sorted by student id). */
  root: string;
  heads: CheckpointHead[];
  /** Chains left out because their HEAD failed its MAC (the tampering is reported by the audit). */
  unsealed: number;
  keyId: string;
  mac: string;
}

/** What the audit says about the last checkpoint. */
export interface CheckpointReport {
  found: boolean;
  at?: string;
  chains?: number;
  events?: number;
  /** The checkpoint's own MAC and Merkle root verify. */
  signatureValid?: boolean;
}

/** Merkle root (SHA-256, domain-separated leaves and nodes; an odd node moves up as is). */
export function merkleRoot(heads: CheckpointHead[]): string {
  let level = [...heads]
    .sort((a, b) => (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0))
    .map((h) => sha256Hex(`leaf\n${JSON.stringify([h.studentId, h.seq, h.hash])}`));
  if (level.length === 0) return sha256Hex("empty");
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i] ?? "";
      const b = level[i + 1];
      next.push(b === undefined ? a : sha256Hex(`node\n${a}${b}`));
    }
    level = next;
  }
  return level[0] ?? sha256Hex("empty");
}

function sealText(c: Omit<Checkpoint, "keyId" | "mac" | "heads">): string {
  return JSON.stringify([c.format, c.version, c.tenantId, c.at, c.chains, c.events, c.root, c.unsealed]);
}

/** Where checkpoints are kept: append-only (create, never overwrite), newest first by name. */
export interface CheckpointStore {
  append(tenantId: string, name: string, body: string): Promise<void>;
  latest(tenantId: string): Promise<string | undefined>;
}

/** Blob names sort newest first: inverted time, then a random suffix. */
function newestFirstName(at: Date): string {
  return `${String(9_999_999_999_999 - at.getTime()).padStart(13, "0")}-${randomBytes(4).toString("hex")}.json`;
}

/** Azure Blob Storage (Azurite locally): one container, a folder per tenant, one blob per checkpoint. */
export class BlobCheckpointStore implements CheckpointStore {
  private readonly container: ContainerClient;
  private created: Promise<unknown> | undefined;

  constructor(account: StorageAccount, containerName: string) {
    const options = { retryOptions: { maxTries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 800, tryTimeoutInMs: 5000 } };
    const service =
      typeof account === "string" ? BlobServiceClient.fromConnectionString(account, options) : new BlobServiceClient(account.blobUrl, account.credential, options);
    this.container = service.getContainerClient(containerName);
  }

  private ensure(): Promise<unknown> {
    this.created ??= this.container.createIfNotExists().catch((err: unknown) => {
      this.created = undefined;
      throw err;
    });
    return this.created;
  }

  async append(tenantId: string, name: string, body: string): Promise<void> {
    await this.ensure();
    const blob = this.container.getBlockBlobClient(`${tenantId}/${name}`);
    // Never overwrite: If-None-Match: * makes a second write of the same name fail.
    await blob.upload(body, Buffer.byteLength(body), {
      conditions: { ifNoneMatch: "*" },
      blobHTTPHeaders: { blobContentType: "application/json" },
    });
  }

  async latest(tenantId: string): Promise<string | undefined> {
    await this.ensure();
    const page = await this.container.listBlobsFlat({ prefix: `${tenantId}/` }).byPage({ maxPageSize: 1 }).next();
    const first = page.done ? undefined : page.value.segment.blobItems[0];
    if (!first) return undefined;
    const buf = await this.container.getBlockBlobClient(first.name).downloadToBuffer();
    return buf.toString("utf8");
  }
}

function unavailable(): AppError {
  return new AppError(503, "STORAGE_UNAVAILABLE", "The checkpoint store cannot be reached; try again shortly");
}

export class CheckpointService {
  constructor(
    private readonly repo: RegisterRepository,
    private readonly keys: IntegrityKeys,
    private readonly store: CheckpointStore,
  ) {}

  /** Writes a new checkpoint of the tenant's chain heads (only heads whose MAC verifies). */
  async write(tenantId: string, at = new Date()): Promise<Checkpoint> {
    const heads = await this.repo.readHeads(tenantId);
    const anchored: CheckpointHead[] = [];
    let unsealed = 0;
    for (const [studentId, h] of heads) {
      if (h.sealed) anchored.push({ studentId, seq: h.seq, hash: h.hash });
      else unsealed++;
    }
    anchored.sort((a, b) => (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0));
    const body = {
      format: "zorgvuldig-checkpoint" as const,
      version: 1 as const,
      tenantId,
      at: at.toISOString(),
      chains: anchored.length,
      events: anchored.reduce((n, h) => n + h.seq, 0),
      root: merkleRoot(anchored),
      unsealed,
    };
    const seal = this.keys.seal("checkpoint", sealText(body));
    const cp: Checkpoint = { ...body, heads: anchored, keyId: seal.keyId, mac: seal.mac };
    try {
      await this.store.append(tenantId, newestFirstName(at), JSON.stringify(cp));
    } catch (err) {
      if (err instanceof RestError || err instanceof Error) throw unavailable();
      throw err;
    }
    return cp;
  }

  /** The last checkpoint of the tenant, and whether its MAC and Merkle root verify. */
  async latest(tenantId: string): Promise<{ checkpoint: Checkpoint | undefined; signatureValid: boolean }> {
    let text: string | undefined;
    try {
      text = await this.store.latest(tenantId);
    } catch {
      throw unavailable();
    }
    if (text === undefined) return { checkpoint: undefined, signatureValid: true };
    let cp: Checkpoint;
    try {
      cp = JSON.parse(text) as Checkpoint;
    } catch {
      return { checkpoint: undefined, signatureValid: false };
    }
    const valid =
      cp.format === "zorgvuldig-checkpoint" &&
      cp.tenantId === tenantId &&
      Array.isArray(cp.heads) &&
      merkleRoot(cp.heads) === cp.root &&
      cp.chains === cp.heads.length &&
      this.keys.verify("checkpoint", sealText(cp), { keyId: cp.keyId, mac: cp.mac });
    return { checkpoint: cp, signatureValid: valid };
  }

  /**
   * Compares the tenant's chains with a checkpoint: every anchored chain must still exist (else
   * chain-deleted), be at least as long (else truncated), and still hold the anchored event (else
   * rewritten), unless the retention purge has since replaced it by a sealed tombstone.
   */
  compare(cp: Checkpoint, all: Map<string, Partition>): ChainProblem[] {
    const problems: ChainProblem[] = [];
    for (const h of cp.heads) {
      const part = all.get(h.studentId);
      if (!part?.head) {
        problems.push({ studentId: h.studentId, seq: h.seq, problem: "chain-deleted" });
        continue;
      }
      if (part.head.seq < h.seq) {
        problems.push({ studentId: h.studentId, seq: h.seq, problem: "truncated" });
        continue;
      }
      const at = part.events.find((e) => e.seq === h.seq);
      if (at) {
        const hash = at.type === "tombstone" && at.coversUpToSeq === h.seq ? [at.lastRemovedHash, at.hash] : [at.hash];
        if (!hash.includes(h.hash)) problems.push({ studentId: h.studentId, seq: h.seq, problem: "rewritten" });
        continue;
      }
      // No event at the anchored place: only a purge may have removed it (a tombstone standing later).
      const tomb = part.events.find((e): e is Extract<RegisterEvent, { type: "tombstone" }> => e.type === "tombstone");
      if (!tomb || tomb.coversUpToSeq < h.seq) problems.push({ studentId: h.studentId, seq: h.seq, problem: "truncated" });
    }
    return problems;
  }

  /**
   * Every `intervalMs`, a checkpoint of every tenant; unref'd. Returns a stop function. `audit`, when
   * given, runs first (main.ts: the full audit of the register); a failed audit writes no checkpoint,
   * so the last good one stays the reference. `timers` are the real ones unless a test drives them.
   */
  schedule(
    intervalMs: number,
    tenants: () => Promise<string[]>,
    log: Logger,
    audit?: (tenantId: string) => Promise<boolean>,
    timers: Timers = REAL_TIMERS,
  ): () => void {
    const job = async (tenantId: string): Promise<void> => {
      if (audit && !(await audit(tenantId))) return;
      const cp = await this.write(tenantId);
      // Counts only.
      log.info({ tenant: tenantId, chains: cp.chains, events: cp.events, unsealed: cp.unsealed }, "register checkpoint");
      if (cp.unsealed > 0) log.error({ tenant: tenantId, unsealed: cp.unsealed }, "register checkpoint: chains whose HEAD fails its MAC");
    };
    return everyTenant(intervalMs, tenants, job, log, "register checkpoint", timers);
  }
}

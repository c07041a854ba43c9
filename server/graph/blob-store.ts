import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";

/**
 * Where kept original messages (MIME) go when a school's policy keeps them
 * (`Policy.keepOriginalMessages`). The register always stores the hash; the MIME itself is a blob.
 *
 * Production: Azure Blob Storage (a private container, one blob per message, immutable / legal-hold
 * policy on the container). `@azure/storage-blob` is not a dependency of this project yet, so the
 * only implementation here is the local-folder store for development and tests; see docs/ENTRA.md.
 * Never Azure Table chunks: entities are capped at 1 MB and MIME can be far larger.
 */
export interface BlobStore {
  /** Stores `data` under a key derived from tenant and hash; returns a reference to find it again. */
  put(tenantId: string, sha256: string, data: Buffer): Promise<string>;
  get(ref: string): Promise<Buffer | undefined>;
  /**
   * The retention purge of kept originals (R-RETAIN-ORIGINALS in docs/RETENTION.md): removes the tenant's
   * blobs `due` says (by their hash and when they were stored); returns how many (`dryRun`: counts only).
   */
  purgeWhere(tenantId: string, due: (sha256: string, storedAt: Date) => boolean, dryRun?: boolean): Promise<number>;
}

const SAFE = /^[A-Za-z0-9._-]+$/;

/** Files under `root/<tenant>/<sha256>.eml`. Content-addressed: storing the same MIME twice is one file. */
export class LocalFolderBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(tenantId: string, sha256: string, data: Buffer): Promise<string> {
    if (!SAFE.test(tenantId) || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error("unsafe blob key");
    const dir = path.join(this.root, tenantId);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${sha256}.eml`);
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, file);
    return `local:${tenantId}/${sha256}.eml`;
  }

  async purgeWhere(tenantId: string, due: (sha256: string, storedAt: Date) => boolean, dryRun = false): Promise<number> {
    if (!SAFE.test(tenantId)) return 0;
    const dir = path.join(this.root, tenantId);
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const m = /^([0-9a-f]{64})\.eml$/.exec(name);
      if (!m?.[1]) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info || !due(m[1], info.mtime)) continue;
      if (!dryRun) await unlink(file).catch(() => undefined);
      removed++;
    }
    return removed;
  }

  async get(ref: string): Promise<Buffer | undefined> {
    const m = /^local:([A-Za-z0-9._-]+)\/([0-9a-f]{64})\.eml$/.exec(ref);
    if (!m?.[1] || !m[2]) return undefined;
    try {
      return await readFile(path.join(this.root, m[1], `${m[2]}.eml`));
    } catch {
      return undefined;
    }
  }
}

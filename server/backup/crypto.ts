import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { AppError } from "../shared/errors.js";
import { canonicalJson } from "../shared/hash.js";
import { parseKeyList } from "../register/integrity.js";

/**
 * Backups at rest (issue 16): a tenant backup holds personal data, so the file is AES-256-GCM
 * ciphertext of the gzipped backup, with a plain header that names the key id (keys rotate: the first
 * key of BACKUP_KEYS encrypts, every listed key decrypts), the tenant, the export time and the row
 * counts. The header is the cipher's additional data: changing any of it, or one byte of the
 * ciphertext, fails the tag. Nothing of a backup is trusted before the tag verified.
 */
export const BACKUP_FORMAT = "zorgvuldig-tenant-backup";
export const BACKUP_VERSION = 2;
const CIPHER = "aes-256-gcm";
const KEY_BYTES = 32;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  cipher: typeof CIPHER;
  keyId: string;
  tenantId: string;
  exportedAt: string;
  counts: Record<string, number>;
}

/** The file: the header, the nonce, the tag and the ciphertext (base64). */
export interface SealedBackup extends BackupHeader {
  iv: string;
  tag: string;
  data: string;
}

/** The public development key (dev mode only, like the integrity dev key): never a protection. */
const DEV_KEY = Buffer.from("zorgvuldig-dev-backup-key-not-secret!!!!".slice(0, KEY_BYTES), "utf8");

export class BackupKeys {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly currentId: string,
  ) {}

  /** "id:base64,id2:base64", each key exactly 32 bytes (AES-256). Throws with a reason. */
  static parse(spec: string): BackupKeys {
    const { keys, first } = parseKeyList(spec, (id, key) => (key.length !== KEY_BYTES ? `key ${id} must be exactly ${KEY_BYTES} bytes (AES-256)` : undefined));
    return new BackupKeys(keys, first);
  }

  static dev(): BackupKeys {
    return new BackupKeys(new Map([["dev", DEV_KEY]]), "dev");
  }

  /** BACKUP_KEYS when set, else the public dev key (dev mode only; config.ts refuses Entra mode without keys). */
  static fromConfig(spec: string | undefined): BackupKeys {
    return spec ? BackupKeys.parse(spec) : BackupKeys.dev();
  }

  key(id: string): Buffer | undefined {
    return this.keys.get(id);
  }
}

const aad = (h: BackupHeader): Buffer =>
  Buffer.from(canonicalJson({ format: h.format, version: h.version, cipher: h.cipher, keyId: h.keyId, tenantId: h.tenantId, exportedAt: h.exportedAt, counts: h.counts }));

/** Encrypts a backup's JSON text with the current key. */
export function sealBackup(keys: BackupKeys, header: Omit<BackupHeader, "format" | "version" | "cipher" | "keyId">, plaintext: string): string {
  const key = keys.key(keys.currentId);
  if (!key) throw new Error("current backup key missing");
  const h: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, cipher: CIPHER, keyId: keys.currentId, ...header };
  const iv = randomBytes(12);
  const c = createCipheriv(CIPHER, key, iv);
  c.setAAD(aad(h));
  const data = Buffer.concat([c.update(gzipSync(Buffer.from(plaintext, "utf8"))), c.final()]);
  const sealed: SealedBackup = { ...h, iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), data: data.toString("base64") };
  return JSON.stringify(sealed);
}

const invalid = (why: string): AppError => new AppError(422, "BACKUP_INVALID", `Not an encrypted Zorgvuldig backup: ${why}; nothing was restored`);

/** A header's fields, unchecked but for being JSON of a Zorgvuldig backup (its `format`). */
function headerFields<T>(text: string): { [K in keyof T]?: unknown } {
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  if (b === null || typeof b !== "object" || (b as { format?: unknown }).format !== BACKUP_FORMAT) throw invalid("format");
  return b as { [K in keyof T]?: unknown };
}

/** The header of a backup file, checked for shape only (nothing in it is trusted before `openBackup`). */
export function readHeader(text: string): SealedBackup {
  const b = headerFields<SealedBackup>(text);
  if (b.version === 1) throw invalid("an unencrypted backup of version 1 (make a new one with scripts/backup.ts)");
  if (b.version !== BACKUP_VERSION || b.cipher !== CIPHER) throw invalid("version or cipher");
  for (const f of ["keyId", "tenantId", "exportedAt", "iv", "tag", "data"] as const) if (typeof b[f] !== "string") throw invalid(`header field ${f}`);
  if (b.counts === null || typeof b.counts !== "object" || Object.values(b.counts).some((n) => typeof n !== "number")) throw invalid("header field counts");
  return b as unknown as SealedBackup;
}

/** Decrypts and authenticates a backup file: its JSON text. Wrong key or changed bytes: refused with a code. */
export function openBackup(keys: BackupKeys, text: string): { header: SealedBackup; plaintext: string } {
  const h = readHeader(text);
  const key = keys.key(h.keyId);
  if (!key) throw new AppError(422, "BACKUP_KEY_UNKNOWN", `The backup's key id "${h.keyId.slice(0, 32)}" is not in BACKUP_KEYS; nothing was restored`);
  const iv = Buffer.from(h.iv, "base64");
  const tag = Buffer.from(h.tag, "base64");
  if (iv.length !== 12 || tag.length !== 16) throw invalid("nonce or tag length");
  try {
    const d = createDecipheriv(CIPHER, key, iv);
    d.setAAD(aad(h));
    d.setAuthTag(tag);
    const zipped = Buffer.concat([d.update(Buffer.from(h.data, "base64")), d.final()]);
    return { header: h, plaintext: gunzipSync(zipped).toString("utf8") };
  } catch {
    throw new AppError(422, "BACKUP_DECRYPT_FAILED", "The backup does not decrypt: the wrong key under its key id, or altered bytes; nothing was restored");
  }
}

// ---------------------------------------------------------------------------------------------
// Version 3: chunked, so that a restore verifies and writes with bounded memory

/**
 * A chunked backup is text, one JSON object a line: first the header (format, version 3, cipher, key id,
 * tenant, export time and a random file id), then the chunks `{i, final, iv, tag, data}`, each its own
 * AES-256-GCM ciphertext of a gzipped JSON text (a few hundred rows, or, in the last chunk, the row counts).
 * The additional data of every chunk is the header, the chunk's place in the file and whether it is the
 * last: a changed byte, a changed header, a chunk moved, dropped, repeated or taken from another file
 * (another file id) fails that chunk's tag, and a file that ends before a chunk marked final is cut off.
 * So each chunk can be trusted as soon as it is read, and nothing needs the whole file in memory.
 */
export const CHUNKED_VERSION = 3;
/** A line longer than this is not a chunk this code wrote (a chunk holds about 1 MB of rows, gzipped). */
export const MAX_CHUNK_LINE = 8 * 1024 * 1024;
const MAX_CHUNK_PLAIN = 64 * 1024 * 1024;

export interface ChunkedHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof CHUNKED_VERSION;
  cipher: typeof CIPHER;
  keyId: string;
  tenantId: string;
  exportedAt: string;
  fileId: string;
}

export function chunkedHeader(keys: BackupKeys, tenantId: string, exportedAt: string): ChunkedHeader {
  return { format: BACKUP_FORMAT, version: CHUNKED_VERSION, cipher: CIPHER, keyId: keys.currentId, tenantId, exportedAt, fileId: randomBytes(16).toString("base64") };
}

const chunkAad = (h: ChunkedHeader, i: number, final: boolean): Buffer =>
  Buffer.from(
    canonicalJson({ format: h.format, version: h.version, cipher: h.cipher, keyId: h.keyId, tenantId: h.tenantId, exportedAt: h.exportedAt, fileId: h.fileId, i, final }),
  );

/** One chunk line (no newline): `plain` gzipped and encrypted, bound to the header, its place and the final flag. */
export function sealChunk(keys: BackupKeys, h: ChunkedHeader, i: number, final: boolean, plain: string): string {
  const key = keys.key(h.keyId);
  if (!key) throw new Error("backup key missing");
  const iv = randomBytes(12);
  const c = createCipheriv(CIPHER, key, iv);
  c.setAAD(chunkAad(h, i, final));
  const data = Buffer.concat([c.update(gzipSync(Buffer.from(plain, "utf8"))), c.final()]);
  return JSON.stringify({ i, final, iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), data: data.toString("base64") });
}

/** The header line of a chunked backup, checked for shape (nothing in it is trusted before a chunk opened). */
export function readChunkedHeader(line: string): ChunkedHeader {
  const b = headerFields<ChunkedHeader>(line);
  if (b.version !== CHUNKED_VERSION || b.cipher !== CIPHER) throw invalid("version or cipher");
  for (const f of ["keyId", "tenantId", "exportedAt", "fileId"] as const) if (typeof b[f] !== "string") throw invalid(`header field ${f}`);
  return b as ChunkedHeader;
}

export function keyFor(keys: BackupKeys, keyId: string): Buffer {
  const key = keys.key(keyId);
  if (!key) throw new AppError(422, "BACKUP_KEY_UNKNOWN", `The backup's key id "${keyId.slice(0, 32)}" is not in BACKUP_KEYS; nothing was restored`);
  return key;
}

const decryptFailed = (): AppError =>
  new AppError(422, "BACKUP_DECRYPT_FAILED", "The backup does not decrypt: the wrong key under its key id, or altered, moved or missing chunks; nothing was restored");

/**
 * Opens the chunk that must stand at place `i`: its JSON text, whether it is the last, and its tag (a
 * restore compares the tags of its second reading with the first). Any change: BACKUP_DECRYPT_FAILED.
 */
export function openChunk(keys: BackupKeys, h: ChunkedHeader, i: number, line: string): { plain: string; final: boolean; tag: Buffer } {
  const key = keyFor(keys, h.keyId);
  let c: { final?: unknown; iv?: unknown; tag?: unknown; data?: unknown };
  try {
    c = JSON.parse(line) as typeof c;
  } catch {
    throw invalid(`chunk ${i} is not JSON`);
  }
  if (c === null || typeof c !== "object" || typeof c.final !== "boolean" || typeof c.iv !== "string" || typeof c.tag !== "string" || typeof c.data !== "string")
    throw invalid(`chunk ${i} shape`);
  const iv = Buffer.from(c.iv, "base64");
  const tag = Buffer.from(c.tag, "base64");
  if (iv.length !== 12 || tag.length !== 16) throw invalid("nonce or tag length");
  try {
    const d = createDecipheriv(CIPHER, key, iv);
    d.setAAD(chunkAad(h, i, c.final));
    d.setAuthTag(tag);
    const zipped = Buffer.concat([d.update(Buffer.from(c.data, "base64")), d.final()]);
    return { plain: gunzipSync(zipped, { maxOutputLength: MAX_CHUNK_PLAIN }).toString("utf8"), final: c.final, tag };
  } catch {
    throw decryptFailed();
  }
}

/** Whether a file's first bytes are those of a version 2 backup (one JSON object, one tag over the whole). */
export function isWholeFileBackup(start: string): boolean {
  return start.startsWith(`{"format":"${BACKUP_FORMAT}","version":2,`);
}

/**
 * A self-signed TLS certificate for local HTTPS (Outlook loads add-ins over https only). Generated once
 * with `selfsigned` into `.certs/` (gitignored, never committed) and reused while it is valid for at
 * least another week. Trust it once in the OS/browser (or use `npx office-addin-dev-certs install`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import selfsigned from "selfsigned";

export interface DevCert {
  key: string;
  cert: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

function stillGood(cert: string): boolean {
  try {
    const x = new X509Certificate(cert);
    return new Date(x.validTo).getTime() - Date.now() > WEEK_MS && x.checkHost("localhost") !== undefined;
  } catch {
    return false;
  }
}

export function ensureDevCert(dir = ".certs"): DevCert {
  const abs = path.resolve(dir);
  const keyFile = path.join(abs, "localhost.key");
  const certFile = path.join(abs, "localhost.crt");
  if (existsSync(keyFile) && existsSync(certFile)) {
    const existing = { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
    if (stillGood(existing.cert)) return existing;
  }
  const pems = selfsigned.generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    days: 365,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDevCert(process.argv[2]);
  console.log(`dev certificate ready in ${path.resolve(process.argv[2] ?? ".certs")}`);
}

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { ConfigError, loadConfig, storageAccountOf } from "../../server/config.js";
import { AppServiceManagedIdentity } from "../../server/shared/managed-identity.js";
import { ENTRA_TEST_SECURITY } from "../support/stack.js";

/**
 * Keyless storage (issue 16, item 8): in Azure the server reaches Storage with its managed identity
 * (account endpoints, no connection string, shared-key access off); a connection string stays for
 * Azurite. The configuration says which, and refuses half of one or both at once. The identity endpoint
 * is App Service's (a local stand-in here: Azurite has no OAuth, see docs/SECURITY.md).
 */
describe("Keyless storage: configuration and the managed identity", () => {
  const entraProd = {
    NODE_ENV: "production",
    ENTRA_CLIENT_ID: randomUUID(),
    CHECK_STAMP_KEY: "k".repeat(40),
    ...ENTRA_TEST_SECURITY,
  };
  const keyless = {
    STORAGE_TABLE_ENDPOINT: "https://zvacct.table.core.windows.net",
    STORAGE_BLOB_ENDPOINT: "https://zvacct.blob.core.windows.net",
    IDENTITY_ENDPOINT: "http://127.0.0.1:41234/msi/token",
    IDENTITY_HEADER: "platform-secret",
  };
  const fails = (env: Record<string, string>, variable: string, why: RegExp): void => {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && new RegExp(`\\b${variable}\\b`).test(err.message) && why.test(err.message),
    );
  };

  it("When Entra mode in production names the account endpoints and App Service's identity, then storage is the endpoints with a token credential, no key", () => {
    const c = loadConfig({ ...entraProd, ...keyless });
    const account = storageAccountOf(c);
    assert.ok(account && typeof account !== "string");
    assert.equal(account.tableUrl, keyless.STORAGE_TABLE_ENDPOINT);
    assert.equal(account.blobUrl, keyless.STORAGE_BLOB_ENDPOINT);
    assert.equal(typeof account.credential.getToken, "function");
    // Azurite and development keep the connection string.
    assert.equal(storageAccountOf(loadConfig({ STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true" })), "UseDevelopmentStorage=true");
  });

  it("When keyless storage is configured by halves, over http, beside a connection string, without an identity or in dev mode, then the server refuses to start and names the variable", () => {
    fails({ ...entraProd, ...keyless, STORAGE_BLOB_ENDPOINT: "" }, "STORAGE_BLOB_ENDPOINT", /required with the other/);
    fails({ ...entraProd, ...keyless, STORAGE_TABLE_ENDPOINT: "http://zvacct.table.core.windows.net" }, "STORAGE_TABLE_ENDPOINT", /https/);
    fails({ ...entraProd, ...keyless, STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b" }, "STORAGE_TABLE_ENDPOINT", /not both/);
    fails({ ...entraProd, ...keyless, IDENTITY_HEADER: "" }, "IDENTITY_ENDPOINT", /managed identity/);
    fails({ ...entraProd }, "STORAGE_TABLE_ENDPOINT", /required in production/);
    fails({ ...keyless }, "STORAGE_TABLE_ENDPOINT", /dev mode/);
  });

  describe("App Service's identity endpoint (a local stand-in)", () => {
    let server: Server;
    let endpoint = "";
    const seen: IncomingMessage[] = [];
    before(async () => {
      server = createServer((req, res) => {
        seen.push(req);
        if (req.headers["x-identity-header"] !== "platform-secret") {
          res.writeHead(401).end();
          return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ access_token: `token-${seen.length}`, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: "https://storage.azure.com/" }));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it("When the storage client asks for a token, then the identity endpoint is asked once with the platform header, the resource and the user-assigned client id, and the token is reused until near its expiry", async () => {
      const clientId = randomUUID();
      const c = loadConfig({ ...entraProd, ...keyless, IDENTITY_ENDPOINT: endpoint, AZURE_CLIENT_ID: clientId });
      const account = storageAccountOf(c);
      assert.ok(account && typeof account !== "string");
      const a = await account.credential.getToken(["https://storage.azure.com/.default"]);
      const b = await account.credential.getToken("https://storage.azure.com/.default");
      assert.equal(a?.token, "token-1");
      assert.equal(b?.token, "token-1");
      assert.equal(seen.length, 1);
      const url = new URL(seen[0]?.url ?? "", endpoint);
      assert.equal(url.searchParams.get("resource"), "https://storage.azure.com/");
      assert.equal(url.searchParams.get("client_id"), clientId);
      assert.equal(url.searchParams.get("api-version"), "2019-08-01");
    });

    it("When the identity endpoint refuses, then getting a token fails with its status only", async () => {
      const cred = new AppServiceManagedIdentity({ endpoint, header: "wrong" });
      await assert.rejects(cred.getToken("https://storage.azure.com/.default"), /answered 401$/);
    });
  });
});

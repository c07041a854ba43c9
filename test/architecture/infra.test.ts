import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

/**
 * Issue 16 item 8, read from `infra/main.bicep` itself: no bicep compiler can be installed here (its CLI
 * ships only as a NuGet package), so this is a reading of the template, not a deployment. It fails when
 * an edit brings back a key, shared-key access, an unlisted tenant, a secret in the settings in the clear
 * or a broader role. What Azure does with the template is not tested here (docs/SECURITY.md).
 */
const bicep = readFileSync(new URL("../../infra/main.bicep", import.meta.url), "utf8");
const code = bicep.replace(/\/\/.*$/gm, "");
/** The body of a resource declaration (up to the next top-level declaration). */
const resource = (type: string): string => {
  const at = code.indexOf(`'${type}@`);
  assert.ok(at >= 0, `resource ${type} declared`);
  const next = code.slice(at).search(/\n(resource|var|param|output) /);
  return code.slice(at, next < 0 ? undefined : at + next);
};
const ROLES = {
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
};

describe("infra/main.bicep, read as the issue asks (no compiler here)", () => {
  it("When the template is read, then Storage takes no account key, no anonymous blob access and nothing below TLS 1.2, and the app reaches it by its managed identity with data-plane roles only", () => {
    const storage = resource("Microsoft.Storage/storageAccounts");
    for (const line of ["allowSharedKeyAccess: false", "allowBlobPublicAccess: false", "minimumTlsVersion: 'TLS1_2'", "supportsHttpsTrafficOnly: true", "defaultToOAuthAuthentication: true"])
      assert.ok(storage.includes(line), line);
    assert.doesNotMatch(code, /listKeys\(|AccountKey=|STORAGE_CONNECTION_STRING/, "no account key or connection string anywhere");
    const app = resource("Microsoft.Web/sites");
    assert.match(app, /type: 'UserAssigned'/);
    assert.match(app, /httpsOnly: true/);
    assert.match(app, /minTlsVersion: '1\.2'/);
    assert.match(app, /name: 'AZURE_CLIENT_ID', value: identity\.properties\.clientId/);
    assert.match(app, /name: 'NODE_ENV', value: 'production'/);
    const guids = [...code.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(guids)].sort(), Object.values(ROLES).sort(), "only the three data-plane roles are granted");
    assert.equal((code.match(/principalId: identity\.properties\.principalId/g) ?? []).length, 3, "every role goes to the app's identity");
  });

  it("When the template is read, then every secret is a @secure() parameter kept in Key Vault and reaches the app as a Key Vault reference, and the tenant allow-list is required", () => {
    for (const p of ["entraClientSecret", "integrityKeys", "checkStampKey", "backupKeys"])
      assert.match(code, new RegExp(`@secure\\(\\)\\s*\\nparam ${p} string`), `${p} is @secure()`);
    const vault = resource("Microsoft.KeyVault/vaults");
    for (const line of ["enableRbacAuthorization: true", "enablePurgeProtection: true"]) assert.ok(vault.includes(line), line);
    assert.match(code, /'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=\$\{s\.name\}\)'/);
    const app = resource("Microsoft.Web/sites");
    for (const setting of ["INTEGRITY_KEYS", "CHECK_STAMP_KEY", "BACKUP_KEYS", "ENTRA_CLIENT_SECRET"])
      assert.match(app, new RegExp(`name: '${setting}', value: kvRef\\[\\d\\]`), `${setting} is a Key Vault reference`);
    assert.match(app, /keyVaultReferenceIdentity: identity\.id/);
    // Required: no default, so a deployment without an allow-list does not start (server/config.ts refuses too).
    assert.match(code, /\nparam allowedTenants string\n/);
    assert.match(app, /name: 'ENTRA_ALLOWED_TENANTS', value: allowedTenants/);
  });

  it("When the template is read, then the checkpoints sit in a private container under a time-based immutability policy, and public network access can be switched off with a private endpoint", () => {
    assert.match(resource("Microsoft.Storage/storageAccounts/blobServices/containers"), /publicAccess: 'None'/);
    assert.match(resource("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"), /immutabilityPeriodSinceCreationInDays: checkpointImmutabilityDays/);
    assert.match(code, /@minValue\(1\)\s*\nparam checkpointImmutabilityDays int/);
    assert.match(resource("Microsoft.Storage/storageAccounts"), /publicNetworkAccess: networkAccess/);
    assert.match(resource("Microsoft.KeyVault/vaults"), /publicNetworkAccess: networkAccess/);
    assert.match(code, /var networkAccess = publicNetworkAccess \? 'Enabled' : 'Disabled'/);
    assert.match(resource("Microsoft.Network/privateEndpoints"), /groupIds: \[svc\]/);
  });
});

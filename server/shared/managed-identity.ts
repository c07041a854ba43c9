/**
 * Keyless access to Azure Storage from App Service: the app's managed identity (system-assigned, or the
 * user-assigned one named by AZURE_CLIENT_ID) gets OAuth tokens from the App Service identity endpoint
 * (IDENTITY_ENDPOINT with the IDENTITY_HEADER secret, both set by the platform). Shaped as the Azure SDK's
 * TokenCredential, so TableClient and BlobServiceClient take it instead of an account key.
 *
 * Why not DefaultAzureCredential: @azure/identity is not a dependency of this project (only a transitive
 * 3.x of the Azurite emulator); this covers the one place it runs (App Service) and is tested against a
 * local stand-in of the endpoint (test/unit/storage-credential.test.ts). See docs/SECURITY.md.
 */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/** The Azure SDK's TokenCredential (structurally): what TableClient and BlobServiceClient accept. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: unknown): Promise<AccessToken | null>;
}

export interface ManagedIdentityOptions {
  endpoint: string;
  header: string;
  /** A user-assigned identity's client id; unset: the system-assigned identity. */
  clientId?: string;
  fetch?: typeof fetch;
}

/** Renew a token this long before it expires. */
const EARLY_MS = 5 * 60_000;

export class AppServiceManagedIdentity implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();
  private readonly pending = new Map<string, Promise<AccessToken>>();

  constructor(private readonly opts: ManagedIdentityOptions) {}

  /** From the platform's variables; undefined when not running under a managed identity. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppServiceManagedIdentity | undefined {
    const endpoint = env.IDENTITY_ENDPOINT;
    const header = env.IDENTITY_HEADER;
    if (!endpoint || !header) return undefined;
    return new AppServiceManagedIdentity({ endpoint, header, ...(env.AZURE_CLIENT_ID ? { clientId: env.AZURE_CLIENT_ID } : {}) });
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    // Scopes end in /.default; the endpoint takes the resource.
    const resource = scope.replace(/\/\.default$/, "/");
    const cached = this.cache.get(resource);
    if (cached && cached.expiresOnTimestamp - EARLY_MS > Date.now()) return cached;
    let p = this.pending.get(resource);
    if (!p) {
      p = this.fetchToken(resource).finally(() => this.pending.delete(resource));
      this.pending.set(resource, p);
    }
    const t = await p;
    this.cache.set(resource, t);
    return t;
  }

  private async fetchToken(resource: string): Promise<AccessToken> {
    const url = new URL(this.opts.endpoint);
    url.searchParams.set("resource", resource);
    url.searchParams.set("api-version", "2019-08-01");
    if (this.opts.clientId) url.searchParams.set("client_id", this.opts.clientId);
    const res = await (this.opts.fetch ?? fetch)(url, { headers: { "X-IDENTITY-HEADER": this.opts.header } });
    // The body of a failure may name the identity; only the status is reported.
    if (!res.ok) throw new Error(`Managed identity endpoint answered ${res.status}`);
    const j = (await res.json()) as { access_token?: unknown; expires_on?: unknown };
    const expires = Number(j.expires_on);
    if (typeof j.access_token !== "string" || !Number.isFinite(expires)) throw new Error("Managed identity endpoint gave no token");
    return { token: j.access_token, expiresOnTimestamp: expires * 1000 };
  }
}

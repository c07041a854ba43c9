// Zorgvuldig on Azure, without keys: a Storage account (Table service: the register; Blob service: the
// signed checkpoints in a container with a time-based immutability policy) that refuses shared-key
// access, reached by the App Service's user-assigned managed identity through RBAC; the secrets (client
// secret, integrity keys, check-stamp key, backup keys) in Key Vault, read by the same identity as Key
// Vault references; TLS 1.2 at least; public network access configurable, with an optional private
// endpoint for Storage. What each measure protects against: docs/SECURITY.md.
@description('Azure region')
param location string = resourceGroup().location

@description('Base name for the resources (letters and digits)')
@minLength(3)
@maxLength(16)
param name string = 'zorgvuldig'

@description('Application (client) id of the Entra app registration (see docs/ENTRA.md)')
param entraClientId string

@description('Client secret of the app registration (stored in Key Vault; empty: none, e.g. a certificate is used)')
@secure()
param entraClientSecret string = ''

@description('Comma-separated tenant ids allowed to use this deployment (required: the server refuses to start without it)')
@minLength(36)
param allowedTenants string

@description('Register integrity keys (MACs and checkpoints), "id:base64" of 32+ bytes, newest first (INTEGRITY_KEYS); stored in Key Vault')
@secure()
param integrityKeys string

@description('Key of the check header MAC, 32+ characters (CHECK_STAMP_KEY); stored in Key Vault')
@secure()
param checkStampKey string

@description('Keys of the tenant backups (BACKUP_KEYS), "id:base64" of exactly 32 bytes, newest first; stored in Key Vault')
@secure()
param backupKeys string

@description('Whether Storage and Key Vault answer on their public endpoints (false: only through private endpoints)')
param publicNetworkAccess bool = true

@description('Create a private endpoint for the Table and Blob services in this subnet (resource id; empty: none)')
param privateEndpointSubnetId string = ''

@description('Days a checkpoint blob cannot be changed or deleted (time-based immutability of the container)')
@minValue(1)
param checkpointImmutabilityDays int = 2555

@description('Table name prefix (TABLE_PREFIX); the checkpoint container is "<prefix>-checkpoints"')
param tablePrefix string = 'zv'

var suffix = uniqueString(resourceGroup().id)
var storageName = take(toLower('${name}${suffix}'), 24)
var appName = '${name}-${suffix}'
var networkAccess = publicNetworkAccess ? 'Enabled' : 'Disabled'

// Built-in roles (data plane): the identity reads and writes entities and blobs, and reads secrets; nothing more.
var roles = {
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    // No account key works: only Entra ID (the managed identity) reaches the data.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: networkAccess
    networkAcls: { defaultAction: publicNetworkAccess ? 'Allow' : 'Deny', bypass: 'None' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Version-level immutability needs versioning; the container policy below is container-wide.
    isVersioningEnabled: false
  }
}

resource checkpoints 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: '${toLower(tablePrefix)}-checkpoints'
  properties: { publicAccess: 'None' }
}

// Time-based retention: a checkpoint cannot be overwritten or deleted for the period, by anyone,
// the account owner included. Left unlocked so the period can be set right; lock it once agreed
// (az storage container immutability-policy lock): a locked policy can only be lengthened.
resource checkpointPolicy 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: checkpoints
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: checkpointImmutabilityDays
    allowProtectedAppendWrites: false
  }
}

resource tableData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.tableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.blobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}kv${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: networkAccess
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

var secrets = [
  { name: 'integrity-keys', value: integrityKeys }
  { name: 'check-stamp-key', value: checkStampKey }
  { name: 'backup-keys', value: backupKeys }
  { name: 'entra-client-secret', value: empty(entraClientSecret) ? 'unused' : entraClientSecret }
]

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for s in secrets: {
  parent: vault
  name: s.name
  properties: { value: s.value }
}]

// A Key Vault reference: App Service resolves it with the identity; the value never sits in the settings.
var kvRef = map(secrets, s => '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${s.name})')

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'B1' }
  kind: 'linux'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npx tsx server/run.ts'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        { name: 'NODE_ENV', value: 'production' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        { name: 'PUBLIC_URL', value: 'https://${appName}.azurewebsites.net' }
        { name: 'ENTRA_CLIENT_ID', value: entraClientId }
        { name: 'ENTRA_ALLOWED_TENANTS', value: allowedTenants }
        { name: 'TABLE_PREFIX', value: tablePrefix }
        // Keyless storage: the endpoints, and the user-assigned identity that gets the tokens.
        { name: 'STORAGE_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'STORAGE_BLOB_ENDPOINT', value: storage.properties.primaryEndpoints.blob }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'INTEGRITY_KEYS', value: kvRef[0] }
        { name: 'CHECK_STAMP_KEY', value: kvRef[1] }
        { name: 'BACKUP_KEYS', value: kvRef[2] }
      ], empty(entraClientSecret) ? [] : [
        { name: 'ENTRA_CLIENT_SECRET', value: kvRef[3] }
      ])
    }
  }
  dependsOn: [tableData, blobData, secretsUser, secret, checkpointPolicy]
}

// Optional: Storage on a private address in the given subnet (Table and Blob). The App Service then
// needs VNet integration into that network and the privatelink DNS zones (not created here).
resource storagePe 'Microsoft.Network/privateEndpoints@2023-11-01' = [for svc in (empty(privateEndpointSubnetId) ? [] : ['table', 'blob']): {
  name: '${name}-${svc}-pe'
  location: location
  properties: {
    subnet: { id: privateEndpointSubnetId }
    privateLinkServiceConnections: [
      {
        name: '${name}-${svc}'
        properties: { privateLinkServiceId: storage.id, groupIds: [svc] }
      }
    ]
  }
}]

output url string = 'https://${app.properties.defaultHostName}'
output storageAccount string = storage.name
output keyVault string = vault.name
output identityClientId string = identity.properties.clientId

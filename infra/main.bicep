// Zorgvuldig on Azure: a Storage account (Table service holds the register), a Linux App Service
// running Node 20, HTTPS only, with the configuration the server validates at start.
@description('Azure region')
param location string = resourceGroup().location

@description('Base name for the resources (letters and digits)')
@minLength(3)
@maxLength(16)
param name string = 'zorgvuldig'

@description('Application (client) id of the Entra app registration (see docs/ENTRA.md)')
param entraClientId string

@description('Client secret of the app registration; prefer a Key Vault reference in production')
@secure()
param entraClientSecret string = ''

@description('Comma-separated tenant ids allowed to use this deployment (required: the server refuses to start without it)')
@minLength(36)
param allowedTenants string

@description('Register integrity keys, "id:base64" of 32+ bytes, newest first (INTEGRITY_KEYS); prefer a Key Vault reference')
@secure()
param integrityKeys string

var storageName = toLower('${name}${uniqueString(resourceGroup().id)}')

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'B1' }
  kind: 'linux'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-${uniqueString(resourceGroup().id)}'
  location: location
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npx tsx server/run.ts'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        { name: 'PUBLIC_URL', value: 'https://${name}-${uniqueString(resourceGroup().id)}.azurewebsites.net' }
        { name: 'ENTRA_CLIENT_ID', value: entraClientId }
        { name: 'ENTRA_CLIENT_SECRET', value: entraClientSecret }
        { name: 'ENTRA_ALLOWED_TENANTS', value: allowedTenants }
        { name: 'INTEGRITY_KEYS', value: integrityKeys }
        {
          name: 'STORAGE_CONNECTION_STRING'
          value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
        }
      ]
    }
  }
}

output url string = 'https://${app.properties.defaultHostName}'

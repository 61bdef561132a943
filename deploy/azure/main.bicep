// elevate on Azure Container Apps: a web app (ingress) and a worker app from one image, a
// user-assigned managed identity that signs in to Microsoft Graph (no client secret) and reads
// the Slack and Teams secrets from Key Vault, and Azure Cache for Redis.
//   az deployment group create -g <group> -f deploy/azure/main.bicep -p image=<registry>/elevate:<tag> keyVaultName=<vault>
// Grant the identity (output identityPrincipalId) the Graph application permissions the
// README lists, and the Key Vault role "Key Vault Secrets User" (done here).

@description('Where everything is made.')
param location string = resourceGroup().location

@description('Name prefix for the resources.')
param name string = 'elevate'

@description('The image, e.g. contoso.azurecr.io/elevate:0.1.0.')
param image string

@description('Key Vault holding the secrets slack-signing-secret, slack-bot-token, microsoft-app-password.')
param keyVaultName string

@description('The bot address people reach (Teams export links); the web app FQDN by default.')
param publicUrl string = ''

@description('Replicas of each process.')
@minValue(1)
param webReplicas int = 2
@minValue(1)
param workerReplicas int = 2

@description('Storage account connection string where Azure Cache for Redis writes its AOF persistence.')
@secure()
param redisPersistenceStorage string

@description('policy.yaml, as text.')
@secure()
param policy string

var tenantId = subscription().tenantId

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Key Vault Secrets User
resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

// Persistence: Premium keeps AOF data persistence; TLS only.
resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: '${name}-redis'
  location: location
  properties: {
    sku: { name: 'Premium', family: 'P', capacity: 1 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    redisVersion: '6'
    redisConfiguration: {
      'aof-backup-enabled': 'true'
      'aof-storage-connection-string-0': redisPersistenceStorage
      'maxmemory-policy': 'noeviction'
    }
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource env 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var secrets = [
  { name: 'slack-signing-secret', keyVaultUrl: '${vault.properties.vaultUri}secrets/slack-signing-secret', identity: identity.id }
  { name: 'slack-bot-token', keyVaultUrl: '${vault.properties.vaultUri}secrets/slack-bot-token', identity: identity.id }
  { name: 'microsoft-app-password', keyVaultUrl: '${vault.properties.vaultUri}secrets/microsoft-app-password', identity: identity.id }
  { name: 'redis-url', value: 'rediss://:${redis.listKeys().primaryKey}@${redis.properties.hostName}:${redis.properties.sslPort}' }
  { name: 'policy', value: policy }
]

var commonEnv = [
  { name: 'AZURE_TENANT_ID', value: tenantId }
  // The user-assigned identity signs in to Graph: @azure/identity's ManagedIdentityCredential.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'MICROSOFT_APP_TYPE', value: 'SingleTenant' }
  { name: 'MICROSOFT_APP_TENANT_ID', value: tenantId }
  { name: 'SLACK_SIGNING_SECRET', secretRef: 'slack-signing-secret' }
  { name: 'SLACK_BOT_TOKEN', secretRef: 'slack-bot-token' }
  { name: 'MICROSOFT_APP_PASSWORD', secretRef: 'microsoft-app-password' }
  { name: 'REDIS_URL', secretRef: 'redis-url' }
  { name: 'REDIS_PREFIX', value: '{elevate}' }
  { name: 'POLICY_FILE', value: '/etc/elevate/policy.yaml' }
]

var probes = [
  { type: 'Startup', httpGet: { path: '/healthz', port: 3978 }, periodSeconds: 2, failureThreshold: 30 }
  { type: 'Liveness', httpGet: { path: '/healthz', port: 3978 }, periodSeconds: 15 }
  { type: 'Readiness', httpGet: { path: '/readyz', port: 3978 }, periodSeconds: 5 }
]

var policyVolume = [{ name: 'policy', storageType: 'Secret', secrets: [{ secretRef: 'policy', path: 'policy.yaml' }] }]
var policyMount = [{ volumeName: 'policy', mountPath: '/etc/elevate' }]

resource web 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-web'
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  dependsOn: [vaultReader]
  properties: {
    managedEnvironmentId: env.id
    configuration: {
      ingress: { external: true, targetPort: 3978, transport: 'http', allowInsecure: false }
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'elevate'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(commonEnv, [
            { name: 'ELEVATE_PROCESS', value: 'web' }
            { name: 'PUBLIC_URL', value: empty(publicUrl) ? 'https://${name}-web.${env.properties.defaultDomain}' : publicUrl }
          ])
          probes: probes
          volumeMounts: policyMount
        }
      ]
      volumes: policyVolume
      scale: { minReplicas: webReplicas, maxReplicas: webReplicas + 2 }
    }
  }
}

resource worker 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-worker'
  location: location
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  dependsOn: [vaultReader]
  properties: {
    managedEnvironmentId: env.id
    configuration: { secrets: secrets }
    template: {
      containers: [
        {
          name: 'elevate'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(commonEnv, [{ name: 'ELEVATE_PROCESS', value: 'worker' }])
          probes: probes
          volumeMounts: policyMount
        }
      ]
      volumes: policyVolume
      scale: { minReplicas: workerReplicas, maxReplicas: workerReplicas }
    }
  }
}

output webUrl string = 'https://${web.properties.configuration.ingress.fqdn}'
output identityPrincipalId string = identity.properties.principalId
output identityClientId string = identity.properties.clientId

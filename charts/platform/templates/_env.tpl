{{/* The environment of a service container: key provider settings, Secret references, ASP.NET Core configuration, the identity service's OAuth clients, the patient pages' origins. */}}

{{/* The key provider settings of a service: the top-level keys with the service's overrides. */}}
{{- define "platform.keys" -}}
{{- $v := index .root.Values (include "platform.valuesKey" .id) }}
{{- $keys := mergeOverwrite (deepCopy .root.Values.keys) (omit (deepCopy $v.keys) "enabled") }}
{{- $_ := set $keys "enabled" (ne $v.keys.enabled false) }}
{{- toYaml $keys }}
{{- end }}

{{/* A secretKeyRef environment variable: (dict "name" "X" "secret" "s" "key" "k"). */}}
{{- define "platform.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}

{{/* The environment of a service container: ASP.NET Core configuration keys with "__" for ":". */}}
{{- define "platform.env" -}}
{{- $root := .root }}
{{- $id := .id }}
{{- $v := index $root.Values (include "platform.valuesKey" $id) }}
{{- $keys := include "platform.keys" . | fromYaml -}}
- name: ASPNETCORE_HTTP_PORTS
  value: "8080"
- name: ASPNETCORE_ENVIRONMENT
  value: Production
{{- if $root.Values.trustForwardedHeaders }}
- name: ASPNETCORE_FORWARDEDHEADERS_ENABLED
  value: "true"
{{- end }}
- name: Data__Directory
  value: /tmp/data
- name: Database__Provider
  value: {{ $root.Values.database.provider | quote }}
- name: Database__ApplyMigrationsAtStart
  value: {{ ternary "true" "false" (or $root.Values.migrations.applyAtStart $root.Values.development.enabled) | quote }}
{{ include "platform.secretEnv" (dict "name" (printf "ConnectionStrings__%s" $id) "secret" $v.database.existingSecret "key" $v.database.key) }}
{{ include "platform.secretEnv" (dict "name" "ConnectionStrings__Redis" "secret" $root.Values.redis.existingSecret "key" $root.Values.redis.connectionStringKey) }}
- name: EventBus__Transport
  value: Dapr
- name: EventBus__PubSubName
  value: {{ $root.Values.dapr.pubsubName | quote }}
{{- if $root.Values.dapr.appTokenSecret }}
{{ include "platform.secretEnv" (dict "name" "EventBus__AppApiToken" "secret" $root.Values.dapr.appTokenSecret "key" "token") }}
{{- end }}
{{- if eq $id "identity" }}
- name: Identity__Issuer
  value: {{ $root.Values.issuer | quote }}
{{- if $root.Values.authentication.allowHttp }}
- name: Identity__AllowHttp
  value: "true"
{{- end }}
{{- if $root.Values.development.demoAccounts }}
{{- if not $root.Values.development.enabled }}
{{- fail "development.demoAccounts seeds accounts whose passwords are public: it is allowed only with development.enabled (end-to-end tests)" }}
{{- end }}
{{- /* The README's demo accounts, for the scripted end-to-end journey (tests/e2e/journey.sh). */}}
- name: Identity__Demo__Enabled
  value: "true"
{{- end }}
{{- include "platform.identity.clients" $root }}
{{- with $v.smart }}
{{- with .fhirBaseUrl }}
- name: Identity__Smart__FhirBaseUrl
  value: {{ . | quote }}
{{- end }}
{{- with .consentUrl }}
{{- if not (and $v.serviceClient.enabled (has "consent.decide" $v.serviceClient.scopes)) }}
{{- fail "identity.smart.consentUrl: the patient picker asks the consent service with the identity service's own client; enable identity.serviceClient with scope consent.decide" }}
{{- end }}
- name: Identity__Smart__ConsentUrl
  value: {{ . | quote }}
{{- end }}
- name: Identity__Smart__Purpose
  value: {{ .purpose | quote }}
{{- end }}
{{- if $v.serviceClient.enabled }}
{{- /* The identity service validates no tokens of an issuer (it is the issuer): its service client asks its own public URL. */}}
- name: ServiceClient__Authority
  value: {{ $root.Values.issuer | quote }}
{{- end }}
{{- with $v.kyc }}{{- with .fingerprintKeySecret }}{{- if .name }}
{{ include "platform.secretEnv" (dict "name" "Kyc__FingerprintKey" "secret" .name "key" .key) }}
{{- end }}{{- end }}{{- end }}
{{- else }}
- name: Authentication__Authority
  value: {{ $root.Values.issuer | quote }}
- name: Authentication__Audience
  value: {{ $id | quote }}
{{- if $root.Values.authentication.allowHttp }}
- name: Authentication__RequireHttpsMetadata
  value: "false"
{{- end }}
{{- end }}
{{- if eq $id "consent" }}
{{- /* The rebuild-from-ledger command reads the ledger's API (allowed by the network policy). */}}
- name: Consent__LedgerUrl
  value: {{ printf "http://%s:8080/" (include "platform.componentName" (dict "root" $root "id" "ledger")) | quote }}
{{- end }}
{{- if eq $id "record-vault" }}
{{- /* Consent decisions go through Dapr service invocation: mTLS between sidecars, resiliency policy applies. */}}
- name: RecordVault__ConsentUrl
  value: "http://127.0.0.1:3500/v1.0/invoke/consent/method/"
{{- /* Receipt reconciliation asks the ledger for receipts its access events have not brought back. */}}
- name: Receipts__LedgerUrl
  value: {{ printf "http://%s:8080/" (include "platform.componentName" (dict "root" $root "id" "ledger")) | quote }}
{{- end }}
{{- if and $v.pages $v.pages.enabled }}
{{- $section := ternary "Consent" "RecordVault" (eq $id "consent") }}
- name: {{ $section }}__Pages__ClientId
  value: {{ $v.pages.clientId | quote }}
{{ include "platform.secretEnv" (dict "name" (printf "%s__Pages__ClientSecret" $section) "secret" $v.pages.clientSecret.existingSecret "key" $v.pages.clientSecret.key) }}
{{- if and (eq $id "record-vault") $root.Values.consent.enabled $root.Values.consent.pages.enabled }}
{{- /* The portal's navigation links to the consent pages at their public origin. */}}
- name: RecordVault__Pages__ConsentPagesUrl
  value: {{ include "platform.pages.origin" (dict "root" $root "id" "consent") | quote }}
{{- end }}
{{- end }}
{{- if and $v.serviceClient $v.serviceClient.enabled }}
- name: ServiceClient__ClientId
  value: {{ $v.serviceClient.clientId | quote }}
{{ include "platform.secretEnv" (dict "name" "ServiceClient__ClientSecret" "secret" $v.serviceClient.existingSecret "key" $v.serviceClient.key) }}
{{- end }}
{{- if $keys.enabled }}
- name: Keys__Provider
  value: {{ $keys.provider | quote }}
{{- if eq $keys.provider "Pkcs11" }}
{{- if not (and $keys.pkcs11.libraryPath $keys.pkcs11.tokenLabel $keys.pkcs11.pinSecret.name) }}
{{- fail (printf "%s: keys.pkcs11 needs libraryPath, tokenLabel and pinSecret.name" $id) }}
{{- end }}
- name: Keys__Pkcs11__LibraryPath
  value: {{ $keys.pkcs11.libraryPath | quote }}
- name: Keys__Pkcs11__TokenLabel
  value: {{ $keys.pkcs11.tokenLabel | quote }}
- name: Keys__Pkcs11__KeyLabelPrefix
  value: {{ $keys.pkcs11.keyLabelPrefix | quote }}
{{ include "platform.secretEnv" (dict "name" "Keys__Pkcs11__UserPin" "secret" $keys.pkcs11.pinSecret.name "key" $keys.pkcs11.pinSecret.key) }}
{{- with $keys.pkcs11.env }}
{{ toYaml . }}
{{- end }}
{{- else if eq $keys.provider "AzureKeyVault" }}
{{- if not $keys.azureKeyVault.vaultUri }}
{{- fail (printf "%s: keys.azureKeyVault.vaultUri is required with the AzureKeyVault provider" $id) }}
{{- end }}
- name: Keys__AzureKeyVault__VaultUri
  value: {{ $keys.azureKeyVault.vaultUri | quote }}
- name: Keys__AzureKeyVault__ManagedHsm
  value: {{ $keys.azureKeyVault.managedHsm | quote }}
- name: Keys__AzureKeyVault__HsmBackedKeys
  value: {{ $keys.azureKeyVault.hsmBackedKeys | quote }}
{{- if $keys.azureKeyVault.managedIdentityClientId }}
- name: Keys__AzureKeyVault__ManagedIdentityClientId
  value: {{ $keys.azureKeyVault.managedIdentityClientId | quote }}
{{- end }}
{{- else if eq $keys.provider "Software" }}
{{- if not $root.Values.development.enabled }}
{{- fail "keys.provider Software keeps keys in files, not an HSM: it is allowed only with development.enabled" }}
{{- end }}
- name: Keys__Software__KeyDirectory
  value: {{ ternary "/var/lib/ledger/keys" "/tmp/keys" (eq $id "ledger") }}
{{- end }}
{{- end }}
{{- if eq $id "ledger" }}
{{ include "platform.ledger.env" . }}
{{- end }}
{{- with $root.Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $key, $value := $v.settings }}
- name: {{ $key | replace ":" "__" }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
The OAuth clients the identity service registers at start (Identity:Clients): first every enabled service client,
with the very Secret its service reads, then the patient pages of consent and record-vault (confidential, the
Secret of `<service>.pages.clientSecret`), then the clinician portal (public, at its public origin, DPoP required),
then the wallet CLI's client while KYC is on (public, native), then identity.clients. The platform's own applications take logout tokens at `<origin>backchannel-logout`.
*/}}
{{- define "platform.identity.clients" -}}
{{- $root := . }}
{{- $clients := list }}
{{- range $id := splitList " " (include "platform.serviceIds" .) }}
{{- $v := index $root.Values (include "platform.valuesKey" $id) }}
{{- if and $v.enabled $v.serviceClient $v.serviceClient.enabled }}
{{- $clients = append $clients (dict "clientId" $v.serviceClient.clientId "displayName" (printf "%s service" $id) "type" "confidential" "grantTypes" (list "client_credentials") "scopes" $v.serviceClient.scopes "clientSecret" (dict "name" $v.serviceClient.existingSecret "key" $v.serviceClient.key)) }}
{{- end }}
{{- end }}
{{- range $id := list "consent" "record-vault" }}
{{- $v := index $root.Values (include "platform.valuesKey" $id) }}
{{- if and $v.enabled $v.pages $v.pages.enabled }}
{{- $scopes := ternary (list "openid" "roles") (list "openid" "roles" "records") (eq $id "consent") }}
{{- $origin := include "platform.pages.origin" (dict "root" $root "id" $id) }}
{{- /* Logout at the identity service ends the pages' sessions too (Back-Channel Logout; sid in every logout token). */}}
{{- $clients = append $clients (dict "clientId" $v.pages.clientId "displayName" (ternary "Consent pages" "Patient portal" (eq $id "consent")) "type" "confidential" "consentType" "implicit" "grantTypes" (list "authorization_code") "scopes" $scopes "redirectUris" (list (printf "%ssignin-oidc" $origin)) "backchannelLogoutUri" (printf "%sbackchannel-logout" $origin) "backchannelLogoutSessionRequired" true "clientSecret" (dict "name" $v.pages.clientSecret.existingSecret "key" $v.pages.clientSecret.key)) }}
{{- end }}
{{- end }}
{{- if $root.Values.clinicianPortal.enabled }}
{{- $clients = append $clients (include "platform.portal.client" $root | fromYaml) }}
{{- end }}
{{- with $root.Values.identity.kyc }}
{{- if and .fingerprintKeySecret.name .walletClient .walletClient.enabled }}
{{- /* The wallet CLI (OpenID4VCI authorization code flow): a native app listening on a loopback port of its choosing. */}}
{{- $clients = append $clients (dict "clientId" .walletClient.clientId "displayName" "Wallet (command line)" "type" "public" "applicationType" "native" "consentType" "explicit" "grantTypes" (list "authorization_code") "redirectUris" (list "http://127.0.0.1/callback" "http://[::1]/callback")) }}
{{- end }}
{{- end }}
{{- $clients = concat $clients (default list $root.Values.identity.clients) }}
{{- range $i, $c := $clients }}
{{- $prefix := printf "Identity__Clients__%d__" $i }}
- name: {{ $prefix }}ClientId
  value: {{ $c.clientId | quote }}
{{- range $field := list "displayName" "type" "applicationType" "consentType" "requirePushedAuthorization" "requireDpop" "idTokenSignedResponseAlg" "backchannelLogoutUri" "backchannelLogoutSessionRequired" }}
{{- if hasKey $c $field }}
- name: {{ $prefix }}{{ title $field }}
  value: {{ index $c $field | toString | quote }}
{{- end }}
{{- end }}
{{- range $field := list "grantTypes" "scopes" "redirectUris" "postLogoutRedirectUris" }}
{{- range $j, $item := (index $c $field | default list) }}
- name: {{ $prefix }}{{ title $field }}__{{ $j }}
  value: {{ $item | quote }}
{{- end }}
{{- end }}
{{- with $c.clientSecret }}
{{ include "platform.secretEnv" (dict "name" (printf "%sClientSecret" $prefix) "secret" .name "key" .key) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The public origin of a service's patient pages, with a trailing slash: (dict "root" $ "id" "consent"). */}}
{{- define "platform.pages.origin" -}}
{{- $key := include "platform.valuesKey" .id }}
{{- $url := (index .root.Values $key).pages.publicUrl }}
{{- if and (hasPrefix "http://" $url) (not .root.Values.authentication.allowHttp) }}
{{- fail (printf "%s.pages.publicUrl is http://: only with authentication.allowHttp (development)" $key) }}
{{- end }}
{{- printf "%s/" (trimSuffix "/" $url) }}
{{- end }}

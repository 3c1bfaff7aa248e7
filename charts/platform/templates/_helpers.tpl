{{/*
Names, labels and the pieces every workload shares. Workload templates are called with
(dict "root" $ "id" "<app-id>"), where <app-id> is identity, consent, record-vault or ledger: the Dapr app-id,
the service's name in configuration (`ConnectionStrings:<app-id>`, `Authentication:Audience`) and the suffix of
its resource names.
*/}}

{{- define "platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "platform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource of the release. */}}
{{- define "platform.labels" -}}
helm.sh/chart: {{ include "platform.chart" . }}
app.kubernetes.io/name: {{ include "platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kyc-consent-platform
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "id" "identity"). */}}
{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platform.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .id }}
{{- end }}

{{- define "platform.componentLabels" -}}
{{ include "platform.labels" .root }}
app.kubernetes.io/component: {{ .id }}
{{- end }}

{{/* Resource name of one component: <fullname>-<id>, at most 52 characters (StatefulSet pods add "-N"). */}}
{{- define "platform.componentName" -}}
{{- printf "%s-%s" (include "platform.fullname" .root | trunc (int (sub 51 (len .id)))) .id | trimSuffix "-" }}
{{- end }}

{{/* The values key of a service: record-vault lives under recordVault. */}}
{{- define "platform.valuesKey" -}}
{{- if eq . "record-vault" }}recordVault{{ else if eq . "clinician-portal" }}clinicianPortal{{ else }}{{ . }}{{ end }}
{{- end }}

{{/* The four services, in a fixed order. */}}
{{- define "platform.serviceIds" -}}
identity consent record-vault ledger
{{- end }}

{{/* "true" when the service with this id is enabled: (dict "root" $ "id" "consent"). */}}
{{- define "platform.enabled" -}}
{{- if (index .root.Values (include "platform.valuesKey" .id)).enabled }}true{{ end }}
{{- end }}

{{/* Fully qualified image of a service, registry/repository:tag[@digest]. */}}
{{- define "platform.image" -}}
{{- $v := index .root.Values (include "platform.valuesKey" .id) }}
{{- $tag := $v.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- if not $tag }}{{ fail (printf "image.tag (or %s.image.tag, or the chart's appVersion) is required" (include "platform.valuesKey" .id)) }}{{ end }}
{{- $repository := $v.image.repository }}
{{- if .root.Values.image.registry }}{{ $repository = printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $repository }}{{ end }}
{{- if $v.image.digest }}
{{- printf "%s:%s@%s" $repository $tag $v.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{/* The key provider settings of a service: the top-level keys with the service's overrides. */}}
{{- define "platform.keys" -}}
{{- $v := index .root.Values (include "platform.valuesKey" .id) }}
{{- $keys := mergeOverwrite (deepCopy .root.Values.keys) (omit (deepCopy $v.keys) "enabled") }}
{{- $_ := set $keys "enabled" (ne $v.keys.enabled false) }}
{{- toYaml $keys }}
{{- end }}

{{/* Restricted pod security context (Pod Security Standard "restricted"); 1654 is the images' app user.
Called with a dict: (dict) for the services, (dict "uid" 70) for the development PostgreSQL. */}}
{{- define "platform.podSecurityContext" -}}
{{- $uid := .uid | default 1654 }}
{{- $gid := .gid | default $uid -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: {{ $gid }}
fsGroup: {{ $gid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "platform.containerSecurityContext" -}}
{{- $uid := .uid | default 1654 }}
{{- $gid := .gid | default $uid -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: {{ $gid }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Dapr sidecar annotations of a service's pod template. */}}
{{- define "platform.daprAnnotations" -}}
{{- $d := .root.Values.dapr -}}
dapr.io/enabled: "true"
dapr.io/app-id: {{ .id | quote }}
dapr.io/app-port: "8080"
dapr.io/app-protocol: http
dapr.io/config: {{ $d.configName | quote }}
dapr.io/enable-metrics: "true"
dapr.io/metrics-port: {{ $d.metricsPort | quote }}
dapr.io/log-level: {{ $d.logLevel | quote }}
dapr.io/log-as-json: "true"
dapr.io/sidecar-cpu-request: {{ $d.sidecarResources.requests.cpu | quote }}
dapr.io/sidecar-memory-request: {{ $d.sidecarResources.requests.memory | quote }}
dapr.io/sidecar-cpu-limit: {{ $d.sidecarResources.limits.cpu | quote }}
dapr.io/sidecar-memory-limit: {{ $d.sidecarResources.limits.memory | quote }}
dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
dapr.io/graceful-shutdown-seconds: "20"
{{- if $d.appTokenSecret }}
dapr.io/app-token-secret: {{ $d.appTokenSecret | quote }}
{{- end }}
{{- if $d.apiTokenSecret }}
dapr.io/api-token-secret: {{ $d.apiTokenSecret | quote }}
{{- end }}
{{- if include "platform.trustedCA" .root }}
{{- /* The sidecar (Go) reads SSL_CERT_DIR as a list too: Redis over TLS with a private CA. */}}
dapr.io/volume-mounts: "trusted-ca:/etc/platform/ca"
dapr.io/env: "SSL_CERT_DIR=/etc/ssl/certs:/etc/platform/ca"
{{- end }}
{{- end }}

{{/* The volume of the private CA bundle (pod.trustedCA), or nothing. */}}
{{- define "platform.trustedCAVolume" -}}
{{- with .Values.pod.trustedCA }}
{{- if .configMap }}
- name: trusted-ca
  configMap:
    name: {{ .configMap | quote }}
    items: [{key: {{ .key | quote }}, path: private-ca.crt}]
{{- else if .secret }}
- name: trusted-ca
  secret:
    secretName: {{ .secret | quote }}
    items: [{key: {{ .key | quote }}, path: private-ca.crt}]
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when a private CA bundle is configured (pod.trustedCA). */}}
{{- define "platform.trustedCA" -}}
{{- if or .Values.pod.trustedCA.configMap .Values.pod.trustedCA.secret }}true{{ end }}
{{- end }}

{{/* Probes: the process answers (live), its dependencies answer (ready), and a slow first start is tolerated. */}}
{{- define "platform.probes" -}}
startupProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: 2
  timeoutSeconds: 2
  failureThreshold: 90
livenessProbe:
  httpGet: {path: /health/live, port: http}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /health/ready, port: http}
  periodSeconds: 5
  timeoutSeconds: 4
  failureThreshold: 3
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

{{/* The ledger's membership: every replica by its stable StatefulSet DNS name. */}}
{{- define "platform.ledger.env" -}}
{{- $root := .root }}
{{- $v := $root.Values.ledger }}
{{- $sts := include "platform.componentName" . }}
{{- $domain := printf "%s-headless.%s.svc.%s" $sts $root.Release.Namespace $root.Values.clusterDomain -}}
- name: Ledger__ReplicaName
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- if $v.consortium.enabled }}
{{- include "platform.ledger.consortium.check" . }}
{{- /* Every institution's replicas by the external names they are dialled by, in the order all institutions agreed. */}}
{{- range $i, $r := $v.consortium.replicas }}
- name: Ledger__Replicas__{{ $i }}__Name
  value: {{ $r.name | quote }}
- name: Ledger__Replicas__{{ $i }}__RaftEndPoint
  value: {{ $r.raftEndPoint | quote }}
- name: Ledger__Replicas__{{ $i }}__ApiUrl
  value: {{ $r.apiUrl | quote }}
{{- end }}
- name: Ledger__Consortium__File
  value: /etc/ledger/consortium/consortium.json
{{- else }}
{{- range $i := until (int $v.replicas) }}
- name: Ledger__Replicas__{{ $i }}__Name
  value: "{{ $sts }}-{{ $i }}"
- name: Ledger__Replicas__{{ $i }}__RaftEndPoint
  value: "{{ $sts }}-{{ $i }}.{{ $domain }}:{{ $v.raftPort }}"
- name: Ledger__Replicas__{{ $i }}__ApiUrl
  value: "http://{{ $sts }}-{{ $i }}.{{ $domain }}:8080/"
{{- end }}
{{- end }}
{{ include "platform.secretEnv" (dict "name" "Ledger__ClusterToken" "secret" $v.clusterTokenSecret.name "key" $v.clusterTokenSecret.key) }}
{{- with $v.membership }}
{{- if and (not $v.consortium.enabled) (gt (int .initialMembers) (int $v.replicas)) }}
{{- fail "ledger.membership.initialMembers cannot exceed ledger.replicas: remove members through the leader before scaling down (docs/deploy.md#scaling)" }}
{{- end }}
{{- if gt (int .initialMembers) 0 }}
- name: Ledger__InitialMembers
  value: {{ .initialMembers | quote }}
{{- end }}
{{- if .adminTokenSecret.name }}
{{ include "platform.secretEnv" (dict "name" "Ledger__AdminToken" "secret" .adminTokenSecret.name "key" .adminTokenSecret.key) }}
{{- end }}
{{- end }}
{{- if $v.tls.disabled }}
- name: Ledger__RaftTls__Disabled
  value: "true"
{{- else }}
{{- /* Mounted from ledger.tls.existingSecret (the raft-tls volume of the pod template). */}}
- name: Ledger__RaftTls__CertificateFile
  value: /etc/ledger/raft-tls/tls.crt
- name: Ledger__RaftTls__KeyFile
  value: /etc/ledger/raft-tls/tls.key
{{- if not $v.consortium.enabled }}
{{- /* A consortium's authorities are the member institutions' CAs from the consortium file (the ledger refuses both). */}}
- name: Ledger__RaftTls__AuthorityFile
  value: /etc/ledger/raft-tls/ca.crt
{{- end }}
{{- end }}
- name: Ledger__DataDirectory
  value: /var/lib/ledger
- name: Ledger__LedgerId
  value: {{ $v.ledgerId | quote }}
{{- with $v.blockInterval }}
- name: Ledger__BlockInterval
  value: {{ . | quote }}
{{- end }}
{{- with $v.commitTimeout }}
- name: Ledger__CommitTimeout
  value: {{ . | quote }}
{{- end }}
{{- if ne (toString $v.snapshotInterval) "" }}
- name: Ledger__SnapshotInterval
  value: {{ $v.snapshotInterval | toString | quote }}
{{- end }}
{{- with $v.raftRequestTimeout }}
- name: Ledger__RaftRequestTimeout
  value: {{ . | quote }}
{{- end }}
{{- if $v.serviceTokens.existingSecret }}
{{- range $service := $v.serviceTokens.services }}
{{ include "platform.secretEnv" (dict "name" (printf "Ledger__ServiceTokens__%s" $service) "secret" $v.serviceTokens.existingSecret "key" $service) }}
{{- end }}
{{- end }}
{{- range $i, $p := $v.publishers }}
- name: Ledger__Publishers__{{ $i }}__Issuer
  value: {{ $p.issuer | quote }}
{{- range $field := list "kty" "crv" "x" "y" "kid" "alg" "use" }}
- name: Ledger__Publishers__{{ $i }}__Jwk__{{ title $field }}
  value: {{ index $p.jwk $field | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod template of a service (Deployment or StatefulSet). */}}
{{- define "platform.podTemplate" -}}
{{- $root := .root }}
{{- $id := .id }}
{{- $v := index $root.Values (include "platform.valuesKey" $id) }}
{{- $keys := include "platform.keys" . | fromYaml }}
{{- $azureIdentity := and $keys.enabled (eq $keys.provider "AzureKeyVault") $keys.azureKeyVault.managedIdentityClientId -}}
metadata:
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
    {{- if $azureIdentity }}
    azure.workload.identity/use: "true"
    {{- end }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- include "platform.daprAnnotations" . | nindent 4 }}
    {{- if and (eq $id "ledger") $v.consortium.enabled $v.consortium.file }}
    # A new consortium file (after a governance change) restarts the replicas one at a time (the rollout's pace).
    checksum/consortium: {{ $v.consortium.file | sha256sum }}
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "platform.componentName" . }}
  {{- if $root.Values.dapr.builtInSecretStore }}
  # The Dapr operator resolves the components' secrets (the built-in kubernetes store); neither the sidecar nor
  # the service calls the Kubernetes API. The sidecar's identity token for sentry is its own projected volume.
  automountServiceAccountToken: false
  {{- else }}
  # The daprd sidecar reads the Redis credentials through the secret store with this account's token (the
  # Role allows exactly that Secret); the service itself does not call the Kubernetes API.
  automountServiceAccountToken: true
  {{- end }}
  enableServiceLinks: false
  terminationGracePeriodSeconds: 30
  securityContext:
    {{- include "platform.podSecurityContext" dict | nindent 4 }}
  {{- with $root.Values.image.pullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  containers:
    - name: {{ $id }}
      image: {{ include "platform.image" . | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        {{- if eq $id "ledger" }}
        - name: raft
          containerPort: {{ $v.raftPort }}
          protocol: TCP
        {{- end }}
      env:
        {{- include "platform.env" . | nindent 8 }}
        {{- if include "platform.trustedCA" $root }}
        # The system's trust store and the private CA: .NET (HttpClient, Npgsql, StackExchange.Redis) reads every
        # certificate file in each directory of this list.
        - name: SSL_CERT_DIR
          value: /etc/ssl/certs:/etc/platform/ca
        {{- end }}
      {{- if and $keys.enabled (eq $keys.provider "AzureKeyVault") $keys.azureKeyVault.credentialsSecret }}
      envFrom:
        - secretRef:
            name: {{ $keys.azureKeyVault.credentialsSecret | quote }}
      {{- end }}
      {{- include "platform.probes" . | nindent 6 }}
      {{- with $root.Values.pod.preStopSleepSeconds }}
      # Keep serving while endpoints and ingress controllers drop this pod, then shut down gracefully.
      lifecycle:
        preStop:
          sleep:
            seconds: {{ . }}
      {{- end }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- include "platform.containerSecurityContext" dict | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if eq $id "ledger" }}
        - name: data
          mountPath: /var/lib/ledger
        {{- if not $v.tls.disabled }}
        - name: raft-tls
          mountPath: /etc/ledger/raft-tls
          readOnly: true
        {{- end }}
        {{- if $v.consortium.enabled }}
        - name: consortium
          mountPath: /etc/ledger/consortium
          readOnly: true
        {{- end }}
        {{- end }}
        {{- if and $keys.enabled (eq $keys.provider "Pkcs11") $keys.pkcs11.volume }}
        - name: hsm
          mountPath: {{ $keys.pkcs11.mountPath }}
          readOnly: true
        {{- end }}
        {{- if include "platform.trustedCA" $root }}
        - name: trusted-ca
          mountPath: /etc/platform/ca
          readOnly: true
        {{- end }}
        {{- with $root.Values.pod.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  {{- with $root.Values.pod.initContainers }}
  initContainers:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumes:
    # The root filesystem is read-only; .NET and the services write only here.
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if and $keys.enabled (eq $keys.provider "Pkcs11") $keys.pkcs11.volume }}
    - name: hsm
      {{- toYaml $keys.pkcs11.volume | nindent 6 }}
    {{- end }}
    {{- if and (eq $id "ledger") (not $v.tls.disabled) }}
    # The Raft certificate, key and CA (ledger.tls); the key is readable by the pod's group only.
    - name: raft-tls
      secret:
        secretName: {{ $v.tls.existingSecret | quote }}
        defaultMode: 0440
        items:
          - key: {{ $v.tls.certificateKey | quote }}
            path: tls.crt
          - key: {{ $v.tls.privateKeyKey | quote }}
            path: tls.key
          {{- if not $v.consortium.enabled }}
          - key: {{ $v.tls.caKey | quote }}
            path: ca.crt
          {{- end }}
    {{- end }}
    {{- if and (eq $id "ledger") $v.consortium.enabled }}
    # The consortium file (ledger.consortium): members, their checkpoint keys and CAs.
    - name: consortium
      configMap:
        name: {{ include "platform.ledger.consortium.configMap" . | quote }}
        items:
          - key: {{ $v.consortium.configMapKey | quote }}
            path: consortium.json
    {{- end }}
    {{- include "platform.trustedCAVolume" $root | nindent 4 }}
    {{- with $root.Values.pod.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  topologySpreadConstraints:
    {{- if $v.topologySpreadConstraints }}
    {{- toYaml $v.topologySpreadConstraints | nindent 4 }}
    {{- else }}
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "platform.selectorLabels" . | nindent 10 }}
    {{- end }}
{{- end }}

{{/* ServiceAccount of a service. */}}
{{- define "platform.serviceAccount" -}}
{{- $v := index .root.Values (include "platform.valuesKey" .id) }}
{{- $keys := include "platform.keys" . | fromYaml }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
  {{- $annotations := deepCopy (default dict $v.serviceAccount.annotations) }}
  {{- if and $keys.enabled (eq $keys.provider "AzureKeyVault") $keys.azureKeyVault.managedIdentityClientId }}
  {{- $_ := set $annotations "azure.workload.identity/client-id" $keys.azureKeyVault.managedIdentityClientId }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}

{{/* ClusterIP Service of a service: its API and the sidecar's metrics. */}}
{{- define "platform.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "platform.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: 8080
      targetPort: http
      protocol: TCP
    - name: dapr-metrics
      port: {{ .root.Values.dapr.metricsPort }}
      targetPort: {{ .root.Values.dapr.metricsPort }}
      protocol: TCP
{{- end }}

{{/* ServiceMonitor of a service (Prometheus Operator). */}}
{{- define "platform.serviceMonitor" -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
    {{- with .root.Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "platform.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames: [{{ .root.Release.Namespace | quote }}]
  endpoints:
    - port: dapr-metrics
      path: /metrics
      interval: {{ .root.Values.serviceMonitor.interval }}
{{- end }}

{{/* Ingress of a service, when it has a host. */}}
{{- define "platform.ingress" -}}
{{- $host := index .root.Values.ingress.hosts (include "platform.valuesKey" .id) }}
{{- if and .root.Values.ingress.enabled $host }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
  {{- with .root.Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  ingressClassName: {{ .root.Values.ingress.className }}
  {{- with .root.Values.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - host: {{ $host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "platform.componentName" . }}
                port:
                  name: http
{{- end }}
{{- end }}

{{/*
The integration events and who publishes and consumes them (docs/messaging.md). Drives the pub/sub topic
scoping and the dead-letter topics; the deployment tests check it against the contracts in the code.
*/}}
{{- define "platform.events" -}}
- topic: identity.verified.v1
  publisher: identity
  consumers: [consent, record-vault]
- topic: identity.revoked.v1
  publisher: identity
  consumers: [consent, record-vault]
- topic: identity.token-revoked.v1
  publisher: identity
  consumers: [consent, record-vault, ledger]
- topic: consent.changed.v1
  publisher: consent
  consumers: [ledger]
- topic: consent.granted.v1
  publisher: consent
  consumers: []
- topic: consent.revoked.v1
  publisher: consent
  consumers: []
- topic: consent.expired.v1
  publisher: consent
  consumers: []
- topic: consent.break-glass.v1
  publisher: consent
  consumers: []
- topic: access.recorded.v1
  publisher: record-vault
  consumers: [ledger]
- topic: research.exported.v1
  publisher: record-vault
  consumers: [ledger]
- topic: research.export-included.v1
  publisher: record-vault
  consumers: [consent]
- topic: ledger.committed.v1
  publisher: ledger
  consumers: [consent, record-vault]
{{- end }}

{{/* The app-ids the Dapr components are scoped to: the enabled services. */}}
{{- define "platform.daprScopes" -}}
{{- range $id := splitList " " (include "platform.serviceIds" .) }}
{{- if include "platform.enabled" (dict "root" $ "id" $id) }}
- {{ $id }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A generated development credential: the value already in the Secret (upgrades keep it), else a new random one.
(dict "root" $ "secret" "name" "key" "password")
*/}}
{{- define "platform.dev.credential" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 32 }}
{{- end }}
{{- end }}

{{/*
Metadata of the Dapr resources. A sidecar reads its components, resiliency and configuration when it starts, and
Helm would create custom resources after the pods; as pre-install/pre-upgrade hooks they exist first.
They are not removed by `helm uninstall` (docs/deploy.md#uninstall).
*/}}
{{- define "platform.daprMetadata" -}}
labels:
  {{- include "platform.labels" . | nindent 2 }}
annotations:
  helm.sh/hook: pre-install,pre-upgrade
  helm.sh/hook-weight: "-10"
  helm.sh/hook-delete-policy: before-hook-creation
{{- end }}

{{/* The clinician portal's public origin, with a trailing slash (clinicianPortal.publicUrl). */}}
{{- define "platform.portal.origin" -}}
{{- $url := .Values.clinicianPortal.publicUrl }}
{{- if not (regexMatch "^https?://[^/]+" $url) }}
{{- fail "clinicianPortal.publicUrl must be the portal's public origin, e.g. https://clinicians.example.org/" }}
{{- end }}
{{- if and (hasPrefix "http://" $url) (not .Values.authentication.allowHttp) }}
{{- fail "clinicianPortal.publicUrl is http://: only with authentication.allowHttp (development)" }}
{{- end }}
{{- printf "%s/" (trimSuffix "/" $url) }}
{{- end }}

{{/* The clinician-portal client the identity service registers: redirect URIs at the portal's public origin. */}}
{{- define "platform.portal.client" -}}
{{- $v := .Values.clinicianPortal }}
{{- $origin := include "platform.portal.origin" . }}
{{- $redirects := $v.redirectUris | default (list (printf "%scallback" $origin)) }}
{{- $logouts := $v.postLogoutRedirectUris | default (list (printf "%ssignout-callback" $origin) $origin) }}
{{- toYaml (dict "clientId" $v.clientId "displayName" "Clinician portal" "type" "public" "consentType" "implicit" "grantTypes" (list "authorization_code") "scopes" (list "openid" "profile" "roles" "records" "consent.manage") "redirectUris" $redirects "postLogoutRedirectUris" $logouts "requireDpop" true "backchannelLogoutUri" (printf "%sbackchannel-logout" $origin) "backchannelLogoutSessionRequired" true) }}
{{- end }}

{{/* The environment of the clinician portal (services/ClinicianPortal, docs/clinician-portal.md#configuration). */}}
{{- define "platform.portal.env" -}}
{{- $root := .root }}
{{- $v := $root.Values.clinicianPortal -}}
- name: ASPNETCORE_HTTP_PORTS
  value: "8080"
- name: ASPNETCORE_ENVIRONMENT
  value: Production
{{- if $root.Values.trustForwardedHeaders }}
{{- /* The redirect URI is built from the request: behind a TLS-terminating ingress it must see https. */}}
- name: ASPNETCORE_FORWARDEDHEADERS_ENABLED
  value: "true"
{{- end }}
- name: Data__Directory
  value: /tmp/data
{{ include "platform.secretEnv" (dict "name" "ConnectionStrings__Redis" "secret" $root.Values.redis.existingSecret "key" $root.Values.redis.connectionStringKey) }}
- name: Authentication__Authority
  value: {{ $root.Values.issuer | quote }}
{{- if $root.Values.authentication.allowHttp }}
- name: Authentication__RequireHttpsMetadata
  value: "false"
{{- end }}
- name: Portal__ClientId
  value: {{ $v.clientId | quote }}
{{- /* The APIs over their Services: the clinician's token authorizes each call, no sidecar needed. */}}
- name: Portal__ConsentUrl
  value: {{ printf "http://%s:8080/" (include "platform.componentName" (dict "root" $root "id" "consent")) | quote }}
- name: Portal__RecordVaultUrl
  value: {{ printf "http://%s:8080/" (include "platform.componentName" (dict "root" $root "id" "record-vault")) | quote }}
{{- with $v.sessionLifetime }}
- name: Portal__SessionLifetime
  value: {{ . | quote }}
{{- end }}
{{- /* No OTEL_EXPORTER_OTLP_ENDPOINT: the portal exports no telemetry yet (it does not call AddTelemetry). */}}
{{- range $key, $value := $v.settings }}
- name: {{ $key | replace ":" "__" }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
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

{{/* The ConfigMap holding the consortium file: the chart's own (ledger.consortium.file) or an existing one. */}}
{{- define "platform.ledger.consortium.configMap" -}}
{{- $c := .root.Values.ledger.consortium }}
{{- if $c.file }}{{ include "platform.componentName" . }}-consortium{{ else }}{{ $c.existingConfigMap }}{{ end }}
{{- end }}

{{/*
Refuses a consortium deployment that could not join: the institution, the file and every replica's endpoint are
required; this release's pods (<release>-ledger-<ordinal>) must be listed; with the file given inline, the file must be
for this ledger, name this institution, give it exactly this release's replicas, and every member replica must have an
endpoint. (The ledger checks the file again at start: LocalConsortium.Load.)
*/}}
{{- define "platform.ledger.consortium.check" -}}
{{- $v := .root.Values.ledger }}
{{- $c := $v.consortium }}
{{- $sts := include "platform.componentName" . }}
{{- if not $c.institution }}
{{- fail "ledger.consortium.institution is required: this institution's name in the consortium file (members[].name)" }}
{{- end }}
{{- if and $c.file $c.existingConfigMap }}
{{- fail "ledger.consortium: give the consortium file either inline (file) or as existingConfigMap, not both" }}
{{- end }}
{{- if not (or $c.file $c.existingConfigMap) }}
{{- fail "ledger.consortium.file (the consortium file's JSON) or ledger.consortium.existingConfigMap is required" }}
{{- end }}
{{- $names := list }}
{{- range $c.replicas }}{{ $names = append $names .name }}{{ end }}
{{- if ne (len $names) (len (uniq $names)) }}
{{- fail (printf "ledger.consortium.replicas lists a replica twice: %s" (join ", " $names)) }}
{{- end }}
{{- if gt (int $v.membership.initialMembers) (len $names) }}
{{- fail (printf "ledger.membership.initialMembers (%d) cannot exceed the %d replicas of ledger.consortium.replicas" (int $v.membership.initialMembers) (len $names)) }}
{{- end }}
{{- $own := list }}
{{- range $i := until (int $v.replicas) }}
{{- $name := printf "%s-%d" $sts $i }}
{{- if not (has $name $names) }}
{{- fail (printf "ledger.consortium.replicas must list this institution's replica %s (this release's pod) with the external endpoint every replica dials" $name) }}
{{- end }}
{{- $own = append $own $name }}
{{- end }}
{{- with $c.file }}
{{- $file := fromJson . }}
{{- if hasKey $file "Error" }}
{{- fail (printf "ledger.consortium.file is not JSON: %s" $file.Error) }}
{{- end }}
{{- if ne (toString $file.ledgerId) $v.ledgerId }}
{{- fail (printf "ledger.consortium.file is for ledger %q, not ledger.ledgerId %q" (toString $file.ledgerId) $v.ledgerId) }}
{{- end }}
{{- $member := dict }}
{{- $memberNames := list }}
{{- range $file.members }}
{{- $memberNames = append $memberNames .name }}
{{- if eq .name $c.institution }}{{ $member = . }}{{ end }}
{{- end }}
{{- if not $member }}
{{- fail (printf "ledger.consortium.institution %q is not a member in ledger.consortium.file (members: %s)" $c.institution (join ", " $memberNames)) }}
{{- end }}
{{- $theirs := default list $member.replicas }}
{{- if ne (sortAlpha $theirs | join ",") (sortAlpha $own | join ",") }}
{{- fail (printf "ledger.consortium.file gives %s the replicas [%s] but this release runs [%s] (ledger.replicas pods): make them equal" $c.institution (join ", " $theirs) (join ", " $own)) }}
{{- end }}
{{- range $m := $file.members }}
{{- range $r := default list $m.replicas }}
{{- if not (has $r $names) }}
{{- fail (printf "ledger.consortium.replicas has no endpoint for %s (a replica of %s in the consortium file)" $r $m.name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

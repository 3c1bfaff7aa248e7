{{/* The clinician portal: its public origin, its OAuth client, its environment. */}}

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

{{/* Dapr: the sidecar annotations, the integration events, the components' scopes and metadata. */}}

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
- topic: research.credited.v1
  publisher: consent
  consumers: [ledger]
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

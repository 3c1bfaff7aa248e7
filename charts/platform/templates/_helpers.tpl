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

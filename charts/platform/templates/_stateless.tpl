{{/*
Everything one stateless service needs: identity, consent and record-vault. Called with
(dict "root" $ "id" "<app-id>"); the ledger has its own templates (ledger/).
*/}}
{{- define "platform.statelessService" -}}
{{- $v := index .root.Values (include "platform.valuesKey" .id) }}
{{- if $v.enabled }}
{{- if gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas is larger than maxReplicas" (include "platform.valuesKey" .id)) }}
{{- end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "platform.selectorLabels" . | nindent 6 }}
  template:
    {{- include "platform.podTemplate" . | nindent 4 }}
---
{{ include "platform.service" . }}
---
{{ include "platform.serviceAccount" . }}
{{- if $v.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "platform.componentName" . }}
  minReplicas: {{ $v.autoscaling.minReplicas }}
  maxReplicas: {{ $v.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $v.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "platform.componentName" . }}
  labels:
    {{- include "platform.componentLabels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $v.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "platform.selectorLabels" . | nindent 6 }}
{{- end }}
{{- if .root.Values.serviceMonitor.enabled }}
---
{{ include "platform.serviceMonitor" . }}
{{- end }}
{{- include "platform.ingress" . }}
{{- end }}
{{- end }}

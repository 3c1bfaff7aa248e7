{{/* The Kubernetes objects around a service's pods: ServiceAccount, Service, ServiceMonitor, Ingress. */}}

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

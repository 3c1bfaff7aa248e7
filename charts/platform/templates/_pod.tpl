{{/* The pod template of a service and what it is made of: security contexts, the private CA bundle, probes. */}}

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

{{/* The ledger: its membership environment and the consortium file. */}}

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
{{- /* A consortium's replicas forward to the leader signed with their own Raft TLS key: no token is shared between institutions. */}}
{{- if not $v.consortium.enabled }}
{{ include "platform.secretEnv" (dict "name" "Ledger__ClusterToken" "secret" $v.clusterTokenSecret.name "key" $v.clusterTokenSecret.key) }}
{{- end }}
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

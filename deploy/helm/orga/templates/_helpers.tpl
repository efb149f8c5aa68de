{{/* Names and labels shared by every component. */}}

{{- define "orga.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Resource name of one component: (list $ "identity") */}}
{{- define "orga.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "orga.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* In-cluster base URL of one component: (list $ "identity") */}}
{{- define "orga.componentUrl" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $c := index $root.Values.components $name -}}
{{- printf "http://%s:%v" (include "orga.componentName" .) $c.service.port -}}
{{- end -}}

{{- define "orga.serviceAccountName" -}}
{{- default (include "orga.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "orga.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: orga
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one component: (list $ "identity") */}}
{{- define "orga.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Common labels plus the component: (list $ "identity") */}}
{{- define "orga.componentLabels" -}}
{{ include "orga.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Kafka and topic settings, the same for every service and for the topics Job. */}}
{{- define "orga.kafkaEnv" -}}
- name: ORGA_KAFKA_BOOTSTRAP
  value: {{ tpl .Values.global.kafka.bootstrap . | quote }}
- name: ORGA_TOPIC_PARTITIONS
  value: {{ .Values.global.topicPartitions | quote }}
- name: ORGA_TOPIC_REPLICATION_FACTOR
  value: {{ .Values.global.topicReplicationFactor | quote }}
- name: ORGA_TOPIC_MIN_INSYNC_REPLICAS
  value: {{ .Values.global.topicMinInsyncReplicas | quote }}
- name: ORGA_LOG_LEVEL
  value: {{ .Values.global.logLevel | quote }}
{{- end -}}

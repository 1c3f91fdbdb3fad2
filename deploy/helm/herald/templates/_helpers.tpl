{{/* Object names: <release>-<chart>, shortened to 63 characters. */}}
{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "herald.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: (dict "root" $ "service" "router"). */}}
{{- define "herald.serviceName" -}}
{{- printf "%s-%s" (include "herald.fullname" .root | trunc 40 | trimSuffix "-") .service -}}
{{- end -}}

{{- define "herald.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: herald
{{- end -}}

{{/* Selector labels of one service: (dict "root" $ "service" "router"). */}}
{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "herald.serviceLabels" -}}
{{ include "herald.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "herald.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := printf "%s/%s" $img.repositoryPrefix .service -}}
{{- if $img.registry }}{{ $repo = printf "%s/%s" $img.registry $repo }}{{ end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{/*
What the code fixes about each service (not values): the workload kind, the variables naming its
consumer group and instance, the topic it consumes and whose partitions bound its replicas, and
whether it serves HTTP. Router and ingest hold Kafka transactional ids derived from their
instance id: as StatefulSets, a restarted pod keeps its name, so it fences its dead predecessor.
*/}}
{{- define "herald.facts" -}}
config-api: {kind: Deployment, http: true}
ingest: {kind: StatefulSet, http: true, groupEnv: INGEST_GROUP_ID, instanceEnv: INGEST_INSTANCE_ID, topic: ingest.registry-records, partitions: ingestRecords}
router: {kind: StatefulSet, groupEnv: ROUTER_GROUP_ID, instanceEnv: ROUTER_INSTANCE_ID, topic: repository-events, partitions: repositoryEvents, lag: true}
delivery-webhook: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.webhook, partitions: jobs, lag: true, delivery: true}
delivery-email: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.email, partitions: jobs, lag: true, delivery: true}
delivery-slack: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.slack, partitions: jobs, lag: true, delivery: true}
delivery-flowdock: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.flowdock, partitions: jobs, lag: true, delivery: true}
delivery-hipchat: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.hipchat, partitions: jobs, lag: true, delivery: true}
delivery-inapp: {kind: Deployment, groupEnv: DELIVERY_GROUP_ID, topic: notifications.quay_notification, partitions: jobs, lag: true, delivery: true}
{{- end -}}

{{/* Whether autoscaling of consumer lag goes through KEDA (else an HPA on CPU). */}}
{{- define "herald.useKeda" -}}
{{- $mode := .Values.autoscaling.mode -}}
{{- if not (has $mode (list "auto" "keda" "hpa")) -}}
{{- fail (printf "autoscaling.mode must be auto, keda or hpa, got %v" $mode) -}}
{{- end -}}
{{- if or (eq $mode "keda") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "keda.sh/v1alpha1")) -}}true{{- end -}}
{{- end -}}

{{- define "herald.useServiceMonitor" -}}
{{- $v := toString .Values.metrics.serviceMonitor -}}
{{- if not (has $v (list "auto" "true" "false")) -}}
{{- fail (printf "metrics.serviceMonitor must be auto, true or false, got %v" $v) -}}
{{- end -}}
{{- if or (eq $v "true") (and (eq $v "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) -}}true{{- end -}}
{{- end -}}

{{/* Name of the Secret the chart generates when no JWT key or ingest token Secret is named. */}}
{{- define "herald.generatedSecret" -}}
{{- printf "%s-generated" (include "herald.fullname" .) -}}
{{- end -}}

{{/* Checks across values that the schema of one value cannot express; fails rendering. */}}
{{- define "herald.validate" -}}
{{- $v := .Values -}}
{{- $drainMs := add (int $v.shutdownTimeoutMs) (mul (int $v.preStopSleepSeconds) 1000) -}}
{{- if le (mul (int $v.terminationGracePeriodSeconds) 1000) $drainMs -}}
{{- fail (printf "terminationGracePeriodSeconds (%v s) must exceed shutdownTimeoutMs (%v ms) plus preStopSleepSeconds (%v s): the pod would be killed while it drains" $v.terminationGracePeriodSeconds $v.shutdownTimeoutMs $v.preStopSleepSeconds) -}}
{{- end -}}
{{- if and $v.kafka.sasl.mechanism (not $v.kafka.sasl.existingSecret) -}}
{{- fail (printf "kafka.sasl.mechanism is %s but kafka.sasl.existingSecret is empty: name the Secret with the SASL username and password" $v.kafka.sasl.mechanism) -}}
{{- end -}}
{{- if and (not $v.kafka.tls.enabled) (or $v.kafka.tls.caSecret $v.kafka.tls.clientCertSecret) -}}
{{- fail "kafka.tls.caSecret or kafka.tls.clientCertSecret is set but kafka.tls.enabled is false" -}}
{{- end -}}
{{- if and $v.schemaRegistry.caSecret (not (hasPrefix "https://" $v.schemaRegistry.url)) -}}
{{- fail (printf "schemaRegistry.caSecret is set but schemaRegistry.url (%s) is not https" $v.schemaRegistry.url) -}}
{{- end -}}
{{- if and $v.configApi.jwtExistingSecret $v.configApi.jwtPublicKeySecret -}}
{{- fail "configApi: set jwtExistingSecret (HMAC) or jwtPublicKeySecret (RSA/EC public key), not both" -}}
{{- end -}}
{{- $facts := fromYaml (include "herald.facts" .) -}}
{{- range $name, $svc := $v.services -}}
{{- if not (hasKey $facts $name) -}}
{{- fail (printf "services.%s: no such Herald service (known: %s)" $name (keys $facts | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $f := get $facts $name -}}
{{- $as := $svc.autoscaling | default dict -}}
{{- if and $svc.enabled $f.delivery -}}
{{- /* A delivery service drains in-flight attempts for SHUTDOWN_TIMEOUT_MS - 3 s (libs/delivery service-app); a longer attempt is cut at every rollout and delivered again. */ -}}
{{- $env := merge (dict) ($svc.env | default dict) ($v.env | default dict) -}}
{{- $attempt := int (get $env "DELIVERY_ATTEMPT_TIMEOUT_MS" | default 10000) -}}
{{- if gt $attempt (sub (int $v.shutdownTimeoutMs) 3000) -}}
{{- fail (printf "services.%s: DELIVERY_ATTEMPT_TIMEOUT_MS %v is above shutdownTimeoutMs - 3000 (%v ms, the drain time): attempts in flight at a SIGTERM would be cut and delivered again" $name $attempt (sub (int $v.shutdownTimeoutMs) 3000)) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.enabled (not $as.enabled) $f.partitions -}}
{{- $p := int (get $v.partitions $f.partitions) -}}
{{- if gt (int $svc.replicas) $p -}}
{{- fail (printf "services.%s.replicas %v is above the %v partitions of %s (partitions.%s): the extra consumers would sit idle" $name $svc.replicas $p $f.topic $f.partitions) -}}
{{- end -}}
{{- end -}}
{{- if and $svc.enabled $as.enabled -}}
{{- if gt (int $as.minReplicas) (int $as.maxReplicas) -}}
{{- fail (printf "services.%s.autoscaling: minReplicas %v is above maxReplicas %v" $name $as.minReplicas $as.maxReplicas) -}}
{{- end -}}
{{- if $f.partitions -}}
{{- $p := int (get $v.partitions $f.partitions) -}}
{{- if gt (int $as.maxReplicas) $p -}}
{{- fail (printf "services.%s.autoscaling.maxReplicas %v is above the %v partitions of %s (partitions.%s): the extra consumers would sit idle" $name $as.maxReplicas $p $f.topic $f.partitions) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

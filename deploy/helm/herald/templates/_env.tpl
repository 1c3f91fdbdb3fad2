{{/*
The environment of one service's container: (dict "root" $ "service" name "svc" values "facts" facts).
Every name here is one its config schema reads (services/<name>/src/config.ts; see the
configuration reference in the repository's README).
*/}}
{{- define "herald.env" -}}
{{- $v := .root.Values -}}
{{- $svc := .svc -}}
{{- $f := .facts -}}
- name: KAFKA_BROKERS
  value: {{ $v.kafka.brokers | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ $v.kafka.clientId | quote }}
- name: SCHEMA_REGISTRY_URL
  value: {{ $v.schemaRegistry.url | quote }}
{{- include "herald.kafkaSecurityEnv" .root }}
{{- include "herald.registrySecurityEnv" .root }}
{{- if ne .service "ingest" }}
{{- if $v.mongo.existingSecret }}
- name: MONGO_URL
  valueFrom:
    secretKeyRef: {name: {{ $v.mongo.existingSecret | quote }}, key: {{ $v.mongo.existingSecretKey | quote }}}
{{- else }}
- name: MONGO_URL
  value: {{ $v.mongo.url | quote }}
{{- end }}
- name: MONGO_DB
  value: {{ $v.mongo.database | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ $v.shutdownTimeoutMs | int | quote }}
- name: EVENT_LOOP_STALL_MS
  value: {{ $v.eventLoopStallMs | int | quote }}
- name: OPS_HOST
  value: "0.0.0.0"
- name: OPS_PORT
  value: {{ $svc.opsPort | int | quote }}
{{- if $f.http }}
- name: HTTP_HOST
  value: "0.0.0.0"
- name: HTTP_PORT
  value: {{ $svc.httpPort | int | quote }}
{{- end }}
{{- if $f.groupEnv }}
- name: {{ $f.groupEnv }}
  value: {{ $svc.consumerGroup | quote }}
{{- end }}
{{- if $f.instanceEnv }}
- name: {{ $f.instanceEnv }}
  valueFrom:
    fieldRef: {fieldPath: metadata.name}
{{- end }}
{{- if and $v.tracing.enabled (ne .service "config-api") }}
{{- if not $v.tracing.endpoint }}
{{- fail "tracing.enabled is true but tracing.endpoint (the collector's OTLP/HTTP URL) is empty" }}
{{- end }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.tracing.endpoint | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $v.tracing.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $v.tracing.ratio | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "herald-%s" .service | quote }}
{{- if $v.tracing.headersSecret }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef: {name: {{ $v.tracing.headersSecret | quote }}, key: {{ $v.tracing.headersSecretKey | quote }}}
{{- end }}
{{- end }}
{{- if $f.delivery }}
- name: DELIVERY_RETRY_DELAYS_MS
  value: {{ $v.delivery.retryDelaysMs | quote }}
{{- end }}
{{- if or (eq .service "config-api") (eq .service "delivery-email") }}
{{- include "herald.smtpEnv" .root }}
{{- end }}
{{- if or (eq .service "config-api") (eq .service "delivery-webhook") }}
{{- if $v.allowLists.webhook }}
- name: WEBHOOK_ALLOW_LIST
  value: {{ $v.allowLists.webhook | quote }}
{{- end }}
{{- end }}
{{- if or (eq .service "config-api") (eq .service "delivery-slack") }}
{{- if $v.allowLists.slack }}
- name: SLACK_ALLOW_LIST
  value: {{ $v.allowLists.slack | quote }}
{{- end }}
{{- end }}
{{- if eq .service "config-api" }}
{{- include "herald.configApiEnv" .root }}
{{- end }}
{{- if eq .service "ingest" }}
- name: INGEST_TOKENS
  valueFrom:
    secretKeyRef:
      name: {{ default (include "herald.generatedSecret" .root) $v.ingest.tokensExistingSecret | quote }}
      key: {{ ternary $v.ingest.tokensKey "ingest-tokens" (ne $v.ingest.tokensExistingSecret "") | quote }}
- name: INGEST_REGISTRY_HOST
  value: {{ $v.ingest.registryHost | quote }}
{{- end }}
{{- if eq .service "delivery-webhook" }}
{{- if $v.webhook.clientCertSecret }}
- name: WEBHOOK_TLS_CERT_FILE
  value: /etc/herald/webhook-client/tls.crt
- name: WEBHOOK_TLS_KEY_FILE
  value: /etc/herald/webhook-client/tls.key
{{- end }}
{{- if $v.webhook.caSecret }}
- name: WEBHOOK_TLS_CA_FILE
  value: /etc/herald/webhook-ca/ca.crt
{{- end }}
{{- end }}
{{- range $name, $value := merge (dict) ($svc.env | default dict) ($v.env | default dict) }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "herald.smtpEnv" -}}
{{- $s := .Values.smtp }}
- name: SMTP_HOST
  value: {{ $s.host | quote }}
- name: SMTP_PORT
  value: {{ $s.port | int | quote }}
- name: SMTP_SECURE
  value: {{ $s.secure | toString | quote }}
- name: SMTP_FROM
  value: {{ $s.from | quote }}
{{- if $s.user }}
- name: SMTP_USER
  value: {{ $s.user | quote }}
{{- end }}
{{- if $s.existingSecret }}
- name: SMTP_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $s.existingSecret | quote }}, key: {{ $s.existingSecretKey | quote }}}
{{- end }}
{{- end -}}

{{- define "herald.configApiEnv" -}}
{{- $c := .Values.configApi }}
- name: PUBLIC_URL
  value: {{ $c.publicUrl | quote }}
{{- if $c.jwtPublicKeySecret }}
- name: AUTH_JWT_PUBLIC_KEY_FILE
  value: /etc/herald/jwt/{{ $c.jwtPublicKeyKey }}
{{- else }}
- name: AUTH_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ default (include "herald.generatedSecret" .) $c.jwtExistingSecret | quote }}
      key: {{ ternary $c.jwtSecretKey "jwt-secret" (ne $c.jwtExistingSecret "") | quote }}
{{- end }}
{{- with $c.jwtIssuer }}
- name: AUTH_JWT_ISSUER
  value: {{ . | quote }}
{{- end }}
{{- with $c.jwtAudience }}
- name: AUTH_JWT_AUDIENCE
  value: {{ . | quote }}
{{- end }}
{{- with $c.superuser }}
- name: AUTH_SUPERUSER
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Kafka's SASL and TLS settings (every workload and the topics Job): the username from its Secret, the
password and key material as files mounted from their Secrets (herald.kafkaVolumes).
*/}}
{{- define "herald.kafkaSecurityEnv" -}}
{{- $k := .Values.kafka }}
{{- if $k.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.usernameKey | quote }}}
- name: KAFKA_SASL_PASSWORD_FILE
  value: /etc/herald/kafka-sasl/password
{{- end }}
{{- if $k.tls.enabled }}
- name: KAFKA_TLS
  value: "true"
{{- if $k.tls.caSecret }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/herald/kafka-ca/ca.crt
{{- end }}
{{- if $k.tls.clientCertSecret }}
- name: KAFKA_TLS_CERT_FILE
  value: /etc/herald/kafka-client/tls.crt
- name: KAFKA_TLS_KEY_FILE
  value: /etc/herald/kafka-client/tls.key
{{- end }}
{{- end }}
{{- end -}}

{{- define "herald.registrySecurityEnv" -}}
{{- $r := .Values.schemaRegistry }}
{{- if $r.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ $r.existingSecret | quote }}, key: {{ $r.usernameKey | quote }}}
- name: SCHEMA_REGISTRY_PASSWORD_FILE
  value: /etc/herald/registry-auth/password
{{- end }}
{{- if $r.caSecret }}
- name: SCHEMA_REGISTRY_CA_FILE
  value: /etc/herald/registry-ca/ca.crt
{{- end }}
{{- end -}}

{{/* Volumes and mounts of Kafka's (and, with "registry" true, the schema registry's) secret files. */}}
{{- define "herald.connectionVolumes" -}}
{{- $v := .root.Values -}}
{{- if $v.kafka.sasl.mechanism }}
- name: kafka-sasl
  secret: {secretName: {{ $v.kafka.sasl.existingSecret | quote }}, items: [{key: {{ $v.kafka.sasl.passwordKey | quote }}, path: password}], defaultMode: 288}
{{- end }}
{{- if $v.kafka.tls.enabled }}
{{- with $v.kafka.tls.caSecret }}
- name: kafka-ca
  secret: {secretName: {{ . | quote }}, items: [{key: ca.crt, path: ca.crt}], defaultMode: 288}
{{- end }}
{{- with $v.kafka.tls.clientCertSecret }}
- name: kafka-client
  secret: {secretName: {{ . | quote }}, items: [{key: tls.crt, path: tls.crt}, {key: tls.key, path: tls.key}], defaultMode: 288}
{{- end }}
{{- end }}
{{- if .registry }}
{{- if $v.schemaRegistry.existingSecret }}
- name: registry-auth
  secret: {secretName: {{ $v.schemaRegistry.existingSecret | quote }}, items: [{key: {{ $v.schemaRegistry.passwordKey | quote }}, path: password}], defaultMode: 288}
{{- end }}
{{- with $v.schemaRegistry.caSecret }}
- name: registry-ca
  secret: {secretName: {{ . | quote }}, items: [{key: ca.crt, path: ca.crt}], defaultMode: 288}
{{- end }}
{{- end }}
{{- end -}}

{{- define "herald.connectionMounts" -}}
{{- $v := .root.Values -}}
{{- if $v.kafka.sasl.mechanism }}
- {name: kafka-sasl, mountPath: /etc/herald/kafka-sasl, readOnly: true}
{{- end }}
{{- if $v.kafka.tls.enabled }}
{{- if $v.kafka.tls.caSecret }}
- {name: kafka-ca, mountPath: /etc/herald/kafka-ca, readOnly: true}
{{- end }}
{{- if $v.kafka.tls.clientCertSecret }}
- {name: kafka-client, mountPath: /etc/herald/kafka-client, readOnly: true}
{{- end }}
{{- end }}
{{- if .registry }}
{{- if $v.schemaRegistry.existingSecret }}
- {name: registry-auth, mountPath: /etc/herald/registry-auth, readOnly: true}
{{- end }}
{{- if $v.schemaRegistry.caSecret }}
- {name: registry-ca, mountPath: /etc/herald/registry-ca, readOnly: true}
{{- end }}
{{- end }}
{{- end -}}

{{/* Secret volumes of one service (key material read from files). */}}
{{- define "herald.secretVolumes" -}}
{{- $v := .root.Values -}}
{{- include "herald.connectionVolumes" (dict "root" .root "registry" true) }}
{{- if and (eq .service "config-api") $v.configApi.jwtPublicKeySecret }}
- name: jwt
  secret: {secretName: {{ $v.configApi.jwtPublicKeySecret | quote }}, items: [{key: {{ $v.configApi.jwtPublicKeyKey | quote }}, path: {{ $v.configApi.jwtPublicKeyKey | quote }}}], defaultMode: 288}
{{- end }}
{{- if eq .service "delivery-webhook" }}
{{- with $v.webhook.clientCertSecret }}
- name: webhook-client
  secret: {secretName: {{ . | quote }}, items: [{key: tls.crt, path: tls.crt}, {key: tls.key, path: tls.key}], defaultMode: 288}
{{- end }}
{{- with $v.webhook.caSecret }}
- name: webhook-ca
  secret: {secretName: {{ . | quote }}, items: [{key: ca.crt, path: ca.crt}], defaultMode: 288}
{{- end }}
{{- end }}
{{- end -}}

{{- define "herald.secretMounts" -}}
{{- $v := .root.Values -}}
{{- include "herald.connectionMounts" (dict "root" .root "registry" true) }}
{{- if and (eq .service "config-api") $v.configApi.jwtPublicKeySecret }}
- {name: jwt, mountPath: /etc/herald/jwt, readOnly: true}
{{- end }}
{{- if eq .service "delivery-webhook" }}
{{- if $v.webhook.clientCertSecret }}
- {name: webhook-client, mountPath: /etc/herald/webhook-client, readOnly: true}
{{- end }}
{{- if $v.webhook.caSecret }}
- {name: webhook-ca, mountPath: /etc/herald/webhook-ca, readOnly: true}
{{- end }}
{{- end }}
{{- end -}}

// The Helm chart (deploy/helm/herald), checked without a cluster (issue 19): helm lint, helm
// template for the default values, values-production.yaml and with the KEDA and Prometheus operator
// APIs present; every rendered object validated against the Kubernetes OpenAPI schemas of
// Kubernetes 1.37 (kubernetes-validate, strict); the custom resources (ScaledObject,
// ServiceMonitor) checked by hand; policies (non-root, read-only root, limits, probes, grace
// period) asserted on every workload; env names, ports, groups, topics and partitions held equal
// to the code's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envExample, shapeKeys } from '@herald/infra';
import { parseConfig } from '@herald/config';
import { tracingSettings } from '@herald/observability';
import { PARTITIONS, TOPICS, topicSpecs, topicsShape } from '@herald/kafka';
import { CHART, ROOT, ensureHelmTools, envOf, find, kinds, loadServiceConfig, parseYamlDocs, podEnvironment, podSpecs, removeScratch, render, run, template, validate, type HelmTools, type K8sObject } from '../support/helm-chart.js';

const SERVICES = ['config-api', 'delivery-email', 'delivery-flowdock', 'delivery-hipchat', 'delivery-inapp', 'delivery-slack', 'delivery-webhook', 'ingest', 'router'];
const DELIVERY_METHOD: Record<string, string> = {
  'delivery-webhook': 'webhook', 'delivery-email': 'email', 'delivery-slack': 'slack',
  'delivery-flowdock': 'flowdock', 'delivery-hipchat': 'hipchat', 'delivery-inapp': 'quay_notification',
};
const ALL_APIS = ['--api-versions', 'keda.sh/v1alpha1', '--api-versions', 'monitoring.coreos.com/v1'];
const ALL_AUTOSCALED = SERVICES.flatMap((s) => ['--set', `services.${s}.autoscaling.enabled=true`]);
const PROD = ['-f', join(CHART, 'values-production.yaml')];

let tools: HelmTools;
before(() => {
  tools = ensureHelmTools();
});
after(removeScratch);

/** The input topic (and its partition count) of each Kafka-consuming service, from libs/kafka. */
function inputTopic(service: string): { topic: string; partitions: number } | undefined {
  const specs = topicSpecs();
  const partitionsOf = (name: string) => specs.find((s) => s.name === name)?.partitions ?? NaN;
  const method = DELIVERY_METHOD[service];
  const topic = method ? TOPICS.jobs(method as Parameters<typeof TOPICS.jobs>[0]) : service === 'router' ? TOPICS.repositoryEvents : service === 'ingest' ? TOPICS.ingestRecords : undefined;
  return topic === undefined ? undefined : { topic, partitions: partitionsOf(topic) };
}

const groupVar = (service: string) => (service === 'router' ? 'ROUTER_GROUP_ID' : service === 'ingest' ? 'INGEST_GROUP_ID' : 'DELIVERY_GROUP_ID');
const workloadOf = (objects: readonly K8sObject[], service: string) => objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === `herald-${service}`);

/** Every policy the chart promises, on every pod it renders. */
async function assertPolicies(objects: readonly K8sObject[]): Promise<void> {
  const workloads = podSpecs(objects);
  assert.ok(workloads.length > 0);
  for (const { obj, pod } of workloads) {
    const where = `${obj.kind} ${obj.metadata.name}`;
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
    assert.ok(pod.securityContext.runAsUser > 0, `${where}: a non-root UID`);
    assert.equal(pod.automountServiceAccountToken, false, `${where}: no service account token`);
    const tmp = (pod.volumes ?? []).find((v: { name: string }) => v.name === 'tmp');
    assert.ok(tmp?.emptyDir, `${where}: /tmp is an emptyDir`);
    for (const c of pod.containers) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext ?? {};
      assert.equal(sc.readOnlyRootFilesystem, true, `${at}: readOnlyRootFilesystem`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${at}: allowPrivilegeEscalation false`);
      assert.equal(sc.runAsNonRoot, true, `${at}: runAsNonRoot`);
      assert.notEqual(sc.runAsUser, 0, `${at}: not UID 0`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${at}: drops every capability`);
      for (const k of ['cpu', 'memory']) {
        assert.ok(c.resources?.limits?.[k], `${at}: ${k} limit`);
        assert.ok(c.resources?.requests?.[k], `${at}: ${k} request`);
      }
      assert.ok(c.volumeMounts.some((m: { name: string; mountPath: string }) => m.name === 'tmp' && m.mountPath === '/tmp'), `${at}: /tmp mounted`);
      if (obj.kind === 'Job') continue;
      const env = envOf(c);
      // Probes on the ops port, which is the port the service is told to listen on.
      const ops = c.ports.find((p: { name: string }) => p.name === 'ops');
      assert.equal(String(ops?.containerPort), env.get('OPS_PORT'), `${at}: ops port is OPS_PORT`);
      assert.equal(env.get('OPS_HOST'), '0.0.0.0', `${at}: ops endpoints reachable from the kubelet`);
      for (const [probe, path] of [['startupProbe', '/healthz'], ['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const) {
        assert.deepEqual(c[probe]?.httpGet, { path, port: 'ops' }, `${at}: ${probe} on ${path}`);
      }
      const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      assert.ok(pod.terminationGracePeriodSeconds * 1000 > Number(env.get('SHUTDOWN_TIMEOUT_MS')) + preStopMs, `${at}: grace period above SHUTDOWN_TIMEOUT_MS (+ preStop)`);
      // Only variables the service's config schema reads, spelled exactly.
      const service = c.name as string;
      const known = new Set(await shapeKeys(service));
      for (const name of env.keys()) assert.ok(known.has(name), `${at}: ${name} is not a variable of services/${service}/src/config.ts`);
    }
  }
}

/** The KEDA ScaledObjects and the ServiceMonitor, which have no schema in the validator. */
function assertCustomResources(objects: readonly K8sObject[]): void {
  for (const so of objects.filter((o) => o.kind === 'ScaledObject')) {
    assert.equal(so.apiVersion, 'keda.sh/v1alpha1');
    const service = so.metadata.name.replace(/^herald-/, '');
    const workload = workloadOf(objects, service);
    assert.ok(workload, `${so.metadata.name}: scales a rendered workload`);
    assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: workload.kind, name: workload.metadata.name });
    assert.equal(workload.spec.replicas, undefined, `${service}: replicas left to the autoscaler`);
    const input = inputTopic(service);
    assert.ok(input, `${service} consumes Kafka`);
    assert.ok(Number.isInteger(so.spec.minReplicaCount) && so.spec.minReplicaCount >= 1);
    assert.ok(so.spec.maxReplicaCount >= so.spec.minReplicaCount && so.spec.maxReplicaCount <= input.partitions, `${service}: max replicas within ${input.partitions} partitions`);
    assert.equal(so.spec.triggers.length, 1);
    const [trigger] = so.spec.triggers;
    assert.equal(trigger.type, 'kafka');
    const env = envOf(workload.spec.template.spec.containers[0]);
    assert.equal(trigger.metadata.consumerGroup, env.get(groupVar(service)), `${service}: the scaler measures the group the service joins`);
    assert.equal(trigger.metadata.topic, input.topic);
    assert.equal(trigger.metadata.bootstrapServers, env.get('KAFKA_BROKERS'));
    assert.match(trigger.metadata.lagThreshold, /^[1-9]\d*$/);
    assert.equal(trigger.metadata.offsetResetPolicy, 'earliest');
    for (const v of Object.values(trigger.metadata)) assert.equal(typeof v, 'string', 'trigger metadata values are strings');
    // The scaler reaches Kafka as the service does: SASL and TLS as its env says, credentials from a TriggerAuthentication.
    const sasl = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' }[env.get('KAFKA_SASL_MECHANISM') ?? ''];
    if (sasl || env.get('KAFKA_TLS') === 'true') {
      assert.equal(trigger.metadata.sasl, sasl, `${service}: the scaler's SASL mechanism`);
      assert.equal(trigger.metadata.tls, env.get('KAFKA_TLS') === 'true' ? 'enable' : undefined, `${service}: the scaler's TLS`);
      const auth = find(objects, 'TriggerAuthentication', trigger.authenticationRef?.name);
      const refs = new Map<string, { name: string; key: string }>(auth.spec.secretTargetRef.map((r: { parameter: string; name: string; key: string }) => [r.parameter, r]));
      const pod = workload.spec.template.spec;
      const fromEnv = (name: string) => pod.containers[0].env.find((e: { name: string }) => e.name === name)?.valueFrom?.secretKeyRef;
      const mounted = (volume: string, path: string) => {
        const item = pod.volumes.find((v: { name: string }) => v.name === volume)?.secret;
        return { name: item?.secretName, key: item?.items.find((i: { path: string }) => i.path === path)?.key };
      };
      if (sasl) {
        assert.deepEqual({ ...refs.get('username') }, { parameter: 'username', ...fromEnv('KAFKA_SASL_USERNAME') }, `${service}: the scaler's SASL user is the service's`);
        assert.deepEqual({ ...refs.get('password') }, { parameter: 'password', ...mounted('kafka-sasl', 'password') }, `${service}: the scaler's SASL password is the service's`);
      }
      if (env.has('KAFKA_TLS_CA_FILE')) assert.deepEqual({ ...refs.get('ca') }, { parameter: 'ca', ...mounted('kafka-ca', 'ca.crt') }, `${service}: the scaler trusts the service's CA`);
    }
  }
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    assert.equal(sm.apiVersion, 'monitoring.coreos.com/v1');
    const selected = objects.filter((o) => o.kind === 'Service' && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v));
    assert.equal(selected.length, objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').length, 'one scraped Service per workload');
    assert.deepEqual(sm.spec.endpoints.map((e: { port: string; path: string }) => [e.port, e.path]), [['ops', '/metrics']]);
    for (const s of selected) assert.ok(s.spec.ports.some((p: { name: string }) => p.name === 'ops'), `${s.metadata.name} has the ops port`);
  }
}

function assertValid(yaml: string, objects: readonly K8sObject[]): void {
  const v = validate(tools, yaml);
  assert.equal(v.status, 0, v.output);
  const custom = objects.filter((o) => o.kind === 'ScaledObject' || o.kind === 'ServiceMonitor' || o.kind === 'TriggerAuthentication');
  assert.equal(v.passed.length, objects.length - custom.length, `every built-in object validated:\n${v.output}`);
  assert.deepEqual(v.noSchema.sort(), custom.map((o) => `${o.apiVersion}/${o.kind}`).sort(), 'only the custom resources lack a schema');
}

test('helm lint passes for the default and the production values', () => {
  for (const args of [[], PROD]) {
    const r = run(tools.helm, ['lint', CHART, '--strict', '--kube-version', tools.kubernetesVersion, ...args]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

test('default values: one workload per service, topics Job, valid against the Kubernetes schemas, policies hold', async () => {
  const { yaml, objects } = render(tools, []);
  assert.deepEqual(kinds(objects), { Deployment: 7, StatefulSet: 2, Service: 9, PodDisruptionBudget: 9, Job: 1, Secret: 1 });
  for (const s of SERVICES) {
    const w = workloadOf(objects, s);
    assert.ok(w, `${s} has a workload`);
    assert.equal(w.kind, s === 'router' || s === 'ingest' ? 'StatefulSet' : 'Deployment');
    assert.equal(find(objects, 'PodDisruptionBudget', `herald-${s}`).spec.maxUnavailable, 1);
    // Defaults equal to the service's own: its ops port and consumer group.
    const env = envOf(w.spec.template.spec.containers[0]);
    const defaults = new Map(envExample(s).map((e) => [e.name, e.value]));
    assert.equal(env.get('OPS_PORT'), defaults.get('OPS_PORT'), `${s}: default ops port`);
    if (inputTopic(s)) assert.equal(env.get(groupVar(s)), defaults.get(groupVar(s)), `${s}: default consumer group`);
  }
  // Router and ingest: a stable instance id (their transactional id) from the pod name.
  for (const [s, name] of [['router', 'ROUTER_INSTANCE_ID'], ['ingest', 'INGEST_INSTANCE_ID']]) {
    const c = workloadOf(objects, s as string)!.spec.template.spec.containers[0];
    assert.deepEqual(c.env.find((e: { name: string }) => e.name === name).valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
  }
  assert.deepEqual(find(objects, 'Service', 'herald-config-api').spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), [['http', 8080], ['ops', 9401]]);
  assert.deepEqual(find(objects, 'Service', 'herald-ingest').spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), [['http', 8091], ['ops', 9402]]);
  assertValid(yaml, objects);
  await assertPolicies(objects);
});

test('the topics Job runs the command docker-compose runs, before install and upgrade, for a 3-broker cluster', () => {
  const { objects } = render(tools, []);
  const job = find(objects, 'Job', 'herald-topics');
  assert.deepEqual(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
  const compose = parseYamlDocs(tools, readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'))[0] as { services: Record<string, { command: string[]; image: string }> };
  const init = compose.services['init-topics']!;
  const [c] = job.spec.template.spec.containers;
  assert.deepEqual(c.command, init.command);
  assert.equal(c.image, `${init.image}:${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`);
  const env = envOf(c);
  assert.equal(env.get('KAFKA_REPLICATION_FACTOR'), '3');
  assert.equal(env.get('KAFKA_MIN_INSYNC_REPLICAS'), '2');
  const known = new Set(Object.keys(topicsShape));
  for (const name of env.keys()) assert.ok(known.has(name), `${name} is not read by herald topics`);
  // One retry schedule for the topics and the delivery services.
  for (const s of Object.keys(DELIVERY_METHOD)) assert.equal(envOf(workloadOf(objects, s)!.spec.template.spec.containers[0]).get('DELIVERY_RETRY_DELAYS_MS'), env.get('DELIVERY_RETRY_DELAYS_MS'));
  // Every image is the compose file's name for the service, tagged with the chart's appVersion.
  for (const s of SERVICES) assert.equal(workloadOf(objects, s)!.spec.template.spec.containers[0].image, `${compose.services[s]!.image}:0.1.0`);
  assert.equal(run(tools.helm, ['template', 'herald', CHART, '--kube-version', tools.kubernetesVersion, '--set', 'topicsJob.addPartitions=true', '--show-only', 'templates/topics-job.yaml']).stdout.includes('"--add-partitions"'), true);
});

test('production values: KEDA on lag for the router and every delivery service, HPA for config-api and ingest, secrets referenced, valid', async () => {
  const { yaml, objects } = render(tools, PROD);
  assert.deepEqual(kinds(objects), { Deployment: 7, StatefulSet: 2, Service: 9, PodDisruptionBudget: 9, Job: 1, ScaledObject: 7, HorizontalPodAutoscaler: 2, ServiceMonitor: 1, Ingress: 2, TriggerAuthentication: 1 });
  assert.deepEqual(objects.filter((o) => o.kind === 'ScaledObject').map((o) => o.metadata.name).sort(), ['router', ...Object.keys(DELIVERY_METHOD)].map((s) => `herald-${s}`).sort());
  const web = workloadOf(objects, 'delivery-webhook')!.spec.template.spec;
  const env = web.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
  assert.deepEqual(env.find((e) => e.name === 'MONGO_URL')?.valueFrom, { secretKeyRef: { name: 'herald-mongo', key: 'mongo-url' } });
  assert.equal(env.find((e) => e.name === 'WEBHOOK_TLS_CERT_FILE')?.value, '/etc/herald/webhook-client/tls.crt');
  assert.ok(web.volumes.some((v: { secret?: { secretName: string } }) => v.secret?.secretName === 'herald-webhook-mtls'));
  // SASL_SSL to Kafka and basic auth to the registry, in every workload and the topics Job; no password in the environment.
  for (const { obj, pod } of podSpecs(objects)) {
    const e = envOf(pod.containers[0]);
    assert.equal(e.get('KAFKA_SASL_MECHANISM'), 'scram-sha-512', obj.metadata.name);
    assert.equal(e.get('KAFKA_SASL_USERNAME'), '<from secretKeyRef>', obj.metadata.name);
    assert.equal(e.get('KAFKA_SASL_PASSWORD_FILE'), '/etc/herald/kafka-sasl/password', obj.metadata.name);
    assert.equal(e.get('KAFKA_TLS'), 'true', obj.metadata.name);
    assert.equal(e.get('KAFKA_TLS_CA_FILE'), '/etc/herald/kafka-ca/ca.crt', obj.metadata.name);
    assert.equal(e.has('KAFKA_SASL_PASSWORD') || e.has('SCHEMA_REGISTRY_PASSWORD'), false, `${obj.metadata.name}: passwords are files`);
    if (obj.kind !== 'Job') assert.equal(e.get('SCHEMA_REGISTRY_PASSWORD_FILE'), '/etc/herald/registry-auth/password', obj.metadata.name);
    assert.ok(pod.volumes.some((v: { secret?: { secretName: string } }) => v.secret?.secretName === 'herald-kafka'), `${obj.metadata.name}: the Kafka Secret is mounted`);
  }
  const api = envOf(workloadOf(objects, 'config-api')!.spec.template.spec.containers[0]);
  assert.equal(api.get('AUTH_JWT_PUBLIC_KEY_FILE'), '/etc/herald/jwt/public.pem');
  assert.equal(api.has('AUTH_JWT_SECRET'), false, 'one JWT key kind only');
  assert.equal(api.get('SMTP_PASSWORD'), '<from secretKeyRef>');
  assertValid(yaml, objects);
  assertCustomResources(objects);
  await assertPolicies(objects);
});

test('autoscaling follows the cluster: ScaledObjects and a ServiceMonitor when their APIs are served, CPU HPAs otherwise', async () => {
  const withApis = render(tools, [...ALL_AUTOSCALED, ...ALL_APIS]);
  assert.equal(kinds(withApis.objects).ScaledObject, 7);
  assert.equal(kinds(withApis.objects).HorizontalPodAutoscaler, 2);
  assert.equal(kinds(withApis.objects).ServiceMonitor, 1);
  assertValid(withApis.yaml, withApis.objects);
  assertCustomResources(withApis.objects);
  await assertPolicies(withApis.objects);

  const without = render(tools, ALL_AUTOSCALED);
  assert.equal(kinds(without.objects).ScaledObject, undefined);
  assert.equal(kinds(without.objects).ServiceMonitor, undefined);
  const hpas = without.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  assert.equal(hpas.length, 9);
  for (const h of hpas) {
    assert.equal(h.spec.metrics[0].resource.name, 'cpu');
    const input = inputTopic(h.metadata.name.replace(/^herald-/, ''));
    if (input) assert.ok(h.spec.maxReplicas <= input.partitions);
  }
  assertValid(without.yaml, without.objects);
});

test('rendering fails on values that would break a deployment', () => {
  const fails = (args: string[], message: RegExp) => {
    const r = template(tools, args);
    assert.notEqual(r.status, 0, `helm template ${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
  };
  fails(['--set', 'services.router.autoscaling.enabled=true', '--set', 'services.router.autoscaling.maxReplicas=13'], /maxReplicas 13 is above the 12 partitions of repository-events/);
  fails(['--set', 'services.delivery-webhook.replicas=13'], /replicas 13 is above the 12 partitions of notifications\.webhook/);
  fails(['--set', 'terminationGracePeriodSeconds=20'], /terminationGracePeriodSeconds \(20 s\) must exceed shutdownTimeoutMs/);
  fails(['--set', 'services.delivery-webhook.env.DELIVERY_ATTEMPT_TIMEOUT_MS=30000'], /delivery-webhook: DELIVERY_ATTEMPT_TIMEOUT_MS 30000 is above shutdownTimeoutMs - 3000/);
  fails(['--set', 'configApi.jwtExistingSecret=a', '--set', 'configApi.jwtPublicKeySecret=b'], /not both/);
  fails(['--set', 'kafka.sasl.mechanism=scram-sha-256'], /kafka\.sasl\.mechanism is scram-sha-256 but kafka\.sasl\.existingSecret is empty/);
  fails(['--set', 'kafka.sasl.mechanism=gssapi', '--set', 'kafka.sasl.existingSecret=k'], /\/kafka\/sasl\/mechanism': value must be one of/);
  fails(['--set', 'kafka.tls.caSecret=ca'], /kafka\.tls\.caSecret or kafka\.tls\.clientCertSecret is set but kafka\.tls\.enabled is false/);
  fails(['--set', 'schemaRegistry.caSecret=ca'], /schemaRegistry\.caSecret is set but schemaRegistry\.url \(http:\/\/schema-registry:8081\) is not https/);
  // values.schema.json: unknown keys (a typo), a service that does not exist, root, no limits.
  fails(['--set', 'services.delivery-pager.enabled=true'], /at '\/services': additional properties 'delivery-pager' not allowed/);
  fails(['--set', 'servics.router.replicas=2'], /additional properties 'servics' not allowed/);
  fails(['--set', 'podSecurityContext.runAsUser=0'], /\/podSecurityContext\/runAsUser': minimum/);
  fails(['--set', 'services.router.resources.limits=null'], /\/services\/router\/resources': missing property 'limits'/);
  fails(['--set', 'autoscaling.mode=sometimes'], /\/autoscaling\/mode': value must be one of/);
  fails(['--set', 'tracing.enabled=true'], /tracing\.enabled is true but tracing\.endpoint/);
  fails(['--set', 'tracing.ratio=1.5'], /\/tracing\/ratio': /);
  // The same values within bounds render.
  render(tools, ['--set', 'services.router.autoscaling.enabled=true', '--set', 'services.router.autoscaling.maxReplicas=12', '--set', 'terminationGracePeriodSeconds=21', '--set', 'services.delivery-webhook.env.DELIVERY_ATTEMPT_TIMEOUT_MS=12000']);
});

test("each service's own config parser accepts the environment the chart gives it, default and production values", async () => {
  for (const args of [[], PROD]) {
    const { objects } = render(tools, args);
    for (const s of SERVICES) {
      const w = workloadOf(objects, s)!;
      const env = podEnvironment(objects, w);
      const config = await loadServiceConfig(s, env);
      const [c] = w.spec.template.spec.containers;
      assert.equal(config.OPS_HOST, '0.0.0.0', s);
      assert.equal(config.OPS_PORT, c.ports.find((p: { name: string }) => p.name === 'ops').containerPort, s);
      if (s === 'config-api' || s === 'ingest') assert.equal(config.HTTP_PORT, c.ports.find((p: { name: string }) => p.name === 'http').containerPort, s);
      if (inputTopic(s)) assert.equal(config[groupVar(s)], env[groupVar(s)], s);
      assert.equal(config.SHUTDOWN_TIMEOUT_MS, Number(env.SHUTDOWN_TIMEOUT_MS), s);
      // Production: SASL/SCRAM over TLS and registry credentials, passwords read from the mounted Secrets.
      assert.equal(config.KAFKA_SASL_PASSWORD, args === PROD ? 'a-password' : undefined, s);
      assert.equal(config.KAFKA_TLS, args === PROD, s);
      assert.equal(config.SCHEMA_REGISTRY_PASSWORD, args === PROD ? 'a-password' : undefined, s);
    }
    const ingest = await loadServiceConfig('ingest', podEnvironment(objects, workloadOf(objects, 'ingest')!));
    assert.ok((ingest.tokens as Map<string, string>).size >= 1, 'ingest has a registry token');
    const api = await loadServiceConfig('config-api', podEnvironment(objects, workloadOf(objects, 'config-api')!));
    assert.ok(api.AUTH_JWT_SECRET !== undefined || api.AUTH_JWT_PUBLIC_KEY_FILE !== undefined, 'config-api has a JWT key');
    // The topics Job's environment, through the reader of `herald topics`.
    const job = find(objects, 'Job', 'herald-topics');
    const topics = parseConfig(topicsShape, podEnvironment(objects, job));
    assert.equal(topics.KAFKA_REPLICATION_FACTOR, 3);
    assert.equal(topics.KAFKA_MIN_INSYNC_REPLICAS, 2);
    assert.equal(topics.DELIVERY_RETRY_DELAYS_MS.length, 6);
    assert.equal(topics.KAFKA_SASL_MECHANISM, args === PROD ? 'scram-sha-512' : undefined);
    assert.equal(topics.KAFKA_SASL_PASSWORD, args === PROD ? 'a-password' : undefined);
  }
});

test("the chart's partition values are the topics command's", () => {
  const values = parseYamlDocs(tools, readFileSync(join(CHART, 'values.yaml'), 'utf8'))[0] as { partitions: Record<string, number> };
  assert.deepEqual(values.partitions, {
    repositoryEvents: PARTITIONS.events,
    jobs: PARTITIONS.jobs,
    ingestRecords: topicSpecs().find((s) => s.name === TOPICS.ingestRecords)?.partitions,
  });
});

test("the chart README's values table is generated from values.yaml, and an undocumented value is refused", () => {
  const check = run(process.execPath, [join(ROOT, 'scripts', 'helm-docs.mjs'), '--check']);
  assert.equal(check.status, 0, `${check.stderr}run: node scripts/helm-docs.mjs --write`);
  const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
  assert.match(readme, /\| `services\.router\.autoscaling\.lagThreshold` \| `2000` \|/);
  const probe = run(process.execPath, ['--input-type=module', '-e', `import { valuesRows } from ${JSON.stringify(join(ROOT, 'scripts', 'helm-docs.mjs'))}; valuesRows('a:\\n  # -- documented\\n  b: 1\\n  c: 2\\n');`]);
  assert.notEqual(probe.status, 0);
  assert.match(probe.stderr, /a\.c has no "# --" comment/);
});

test('tracing values: every service but config-api gets the OTEL_* variables its tracing setup reads, collector headers from a Secret', async () => {
  const { objects } = render(tools, ['--set', 'tracing.enabled=true', '--set', 'tracing.endpoint=http://otel-collector:4318', '--set', 'tracing.ratio=0.25', '--set', 'tracing.headersSecret=otel']);
  for (const s of SERVICES) {
    const w = workloadOf(objects, s)!;
    const env = podEnvironment(objects, w);
    const settings = tracingSettings(env, 'unused');
    if (s === 'config-api') {
      assert.equal(settings, undefined, 'config-api does not trace');
      continue;
    }
    assert.deepEqual(settings, { tracesUrl: 'http://otel-collector:4318/v1/traces', sampler: 'parentbased_traceidratio', ratio: 0.25, serviceName: `herald-${s}` }, s);
    const [c] = w.spec.template.spec.containers;
    const headers = c.env.find((e: { name: string }) => e.name === 'OTEL_EXPORTER_OTLP_HEADERS');
    assert.deepEqual(headers?.valueFrom?.secretKeyRef, { name: 'otel', key: 'otlp-headers' }, s);
    assert.equal(env['OTEL_EXPORTER_OTLP_HEADERS'], 'authorization=Bearer otel-token', s);
    // The service still starts with them.
    await loadServiceConfig(s, env);
  }
  const { objects: off } = render(tools, []);
  for (const s of SERVICES) assert.equal(tracingSettings(podEnvironment(off, workloadOf(off, s)!), 'unused'), undefined, `${s}: off by default`);
});

// Renders and validates the Helm chart (deploy/helm/herald) with the tools of
// scripts/ensure-helm-tools.mjs: helm, and kubernetes-validate with the Kubernetes OpenAPI schemas.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART = join(ROOT, 'deploy', 'helm', 'herald');

let scratch: string | undefined;
/** A fresh folder under this run's scratch folder (removed by removeScratch). */
function scratchDir(prefix: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'herald-helm-'));
  return mkdtempSync(join(scratch, prefix));
}

/** Removes the rendered files and pod file stand-ins this run wrote. */
export function removeScratch(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

export interface HelmTools {
  helm: string;
  kubernetesValidate: string;
  python: string;
  kubernetesVersion: string;
}

/** A rendered Kubernetes object, as parsed from YAML. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };

/** Installs (once, cached) and returns the tools; throws when the script fails. */
export function ensureHelmTools(): HelmTools {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-helm-tools.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 });
  if (r.status !== 0) throw new Error('scripts/ensure-helm-tools.mjs failed');
  return JSON.parse(r.stdout) as HelmTools;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): RunResult {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart with `args`; the result, whatever its exit status. */
export function template(tools: HelmTools, args: string[]): RunResult {
  return run(tools.helm, ['template', 'herald', CHART, '--namespace', 'herald', '--kube-version', tools.kubernetesVersion, ...args]);
}

/** Parses YAML documents (the rendered chart, a values file) with the validator's own PyYAML. */
export function parseYamlDocs(tools: HelmTools, yaml: string): unknown[] {
  const r = run(tools.python, ['-c', 'import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)'], yaml);
  if (r.status !== 0) throw new Error(`YAML did not parse: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

/** Renders; throws with helm's message when rendering fails. */
export function render(tools: HelmTools, args: string[]): { yaml: string; objects: K8sObject[] } {
  const r = template(tools, args);
  if (r.status !== 0) throw new Error(`helm template ${args.join(' ')} failed: ${r.stderr}`);
  return { yaml: r.stdout, objects: parseYamlDocs(tools, r.stdout) as K8sObject[] };
}

/**
 * Validates rendered YAML against the Kubernetes schemas, strictly (unknown fields fail). Returns
 * the objects it validated ("kind/name") and those it has no schema for (custom resources).
 */
export function validate(tools: HelmTools, yaml: string): { status: number | null; passed: string[]; noSchema: string[]; output: string } {
  const file = join(scratchDir('render-'), 'rendered.yaml');
  writeFileSync(file, yaml);
  const r = run(tools.kubernetesValidate, ['--strict', '-k', tools.kubernetesVersion, file]);
  const output = r.stdout + r.stderr;
  const passed = [...output.matchAll(/passed for resource (\S+) against version/g)].map((m) => m[1] as string);
  const noSchema = [...output.matchAll(/Couldn't find schema for kind (\S+) with api version (\S+)/g)].map((m) => `${m[2]}/${m[1]}`);
  return { status: r.status, passed, noSchema, output };
}

export function kinds(objects: readonly K8sObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of objects) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} rendered`);
  return o;
}

/** The workloads (Deployments, StatefulSets, Jobs) and their pod specs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpecs(objects: readonly K8sObject[]): { obj: K8sObject; pod: any }[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind)).map((obj) => ({ obj, pod: obj.spec.template.spec }));
}

/** A container's plain env values by name (secret and field references as `<from ...>`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function envOf(container: any): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of container.env ?? []) out.set(e.name, e.value ?? `<from ${Object.keys(e.valueFrom ?? {}).join(',')}>`);
  return out;
}

/** Stand-ins for the keys of Secrets the chart references but does not make (values-production.yaml's). */
const SECRET_STAND_INS: Record<string, string> = {
  'mongo-url': 'mongodb://herald:secret@mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0',
  'smtp-password': 'smtp-secret',
  'jwt-secret': 'a-hmac-key-of-at-least-thirty-two-bytes-0123456789',
  tokens: 'quay=0123456789abcdef0123,harbor=fedcba9876543210fedc',
  'tls.crt': '-----BEGIN CERTIFICATE-----\n',
  'tls.key': '-----BEGIN PRIVATE KEY-----\n',
  'ca.crt': '-----BEGIN CERTIFICATE-----\n',
  'public.pem': '-----BEGIN PUBLIC KEY-----\n',
  username: 'herald',
  password: 'a-password',
  'otlp-headers': 'authorization=Bearer otel-token',
};

/**
 * The environment a workload's first container would see, built from the rendered objects: Secret
 * keys from a rendered Secret (the generated one) or a stand-in, the pod name for field references,
 * and each mounted Secret as files under a temporary folder (paths in the env rewritten to it).
 */
export function podEnvironment(objects: readonly K8sObject[], workload: K8sObject): Record<string, string> {
  const pod = workload.spec.template.spec;
  const [c] = pod.containers;
  const root = scratchDir('pod-');
  const mounts: [string, string][] = [];
  for (const m of c.volumeMounts ?? []) {
    const vol = pod.volumes.find((v: { name: string }) => v.name === m.name);
    if (!vol?.secret) continue;
    const dir = join(root, m.name);
    mkdirSync(dir);
    for (const item of vol.secret.items) writeFileSync(join(dir, item.path), SECRET_STAND_INS[item.key] ?? 'x');
    mounts.push([m.mountPath, dir]);
  }
  const env: Record<string, string> = {};
  for (const e of c.env) {
    if (e.value !== undefined) {
      const mount = mounts.find(([path]) => e.value.startsWith(`${path}/`));
      env[e.name] = mount ? e.value.replace(mount[0], mount[1]) : e.value;
    } else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
      const value = secret?.data?.[key] !== undefined ? Buffer.from(secret.data[key], 'base64').toString('utf8') : SECRET_STAND_INS[key];
      if (value === undefined) throw new Error(`${workload.metadata.name}: no value for secret ${name} key ${key}`);
      env[e.name] = value;
    } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') {
      env[e.name] = `${workload.metadata.name}-0`;
    } else {
      throw new Error(`${workload.metadata.name}: ${e.name} has a source this helper does not know`);
    }
  }
  return env;
}

/** The service's own config parser (services/<name>/src/config.ts loadConfig) over `env`. */
export async function loadServiceConfig(service: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const mod = (await import(pathToFileURL(join(ROOT, 'services', service, 'src', 'config.ts')).href)) as { loadConfig(env: NodeJS.ProcessEnv): Record<string, unknown> };
  return mod.loadConfig(env);
}

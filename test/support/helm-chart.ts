// Renders and validates the Helm chart (deploy/helm/herald) with the tools of
// scripts/ensure-helm-tools.mjs: helm, and kubernetes-validate with the Kubernetes OpenAPI schemas.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART = join(ROOT, 'deploy', 'helm', 'herald');

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
  const file = join(mkdtempSync(join(tmpdir(), 'herald-helm-')), 'rendered.yaml');
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

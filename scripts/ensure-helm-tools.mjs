// Installs what the Helm chart's checks (test/integration/helm-chart.test.ts) run, once per version,
// under $HERALD_CACHE_DIR/helm-tools/ (default ~/.cache/herald):
// - `helm`, built from the Go module proxy (no package ships it): go install helm.sh/helm/v3/cmd/helm@<version>
//   (about 2-3 minutes the first time); needs Go.
// - `kubernetes-validate` from PyPI, in a virtualenv of its own: it ships the Kubernetes OpenAPI
//   schemas of each Kubernetes version as JSON schemas, so it validates offline; needs python3.
// `node scripts/ensure-helm-tools.mjs` installs what is missing and prints {"helm", "kubernetesValidate", "python"}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HELM = { module: 'helm.sh/helm/v3/cmd/helm', version: 'v3.21.4' };
export const KUBERNETES_VALIDATE = { package: 'kubernetes-validate', version: '1.37.0' };
/** The Kubernetes version the rendered chart is validated against (schemas shipped by kubernetes-validate). */
export const KUBERNETES_VERSION = '1.37.0';

function cacheDir() {
  return process.env.HERALD_CACHE_DIR || join(homedir(), '.cache', 'herald');
}

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed${r.error ? `: ${r.error.message}` : ''}`);
}

function ensureHelm(log) {
  const dir = join(cacheDir(), 'helm-tools', `helm@${HELM.version}`);
  const bin = join(dir, 'helm');
  if (existsSync(bin)) return bin;
  log(`building helm ${HELM.version} from the Go module proxy (go install ${HELM.module}@${HELM.version}; a few minutes, once)…`);
  const t0 = Date.now();
  // Built into a fresh folder and moved into place, so an interrupted build is never taken for a finished one.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    run('go', ['install', `${HELM.module}@${HELM.version}`], { GOBIN: tmp, CGO_ENABLED: '0' });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`helm built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return bin;
}

function ensureKubernetesValidate(log) {
  // A virtualenv holds absolute paths, so it is made in place; the marker says it is complete.
  const dir = join(cacheDir(), 'helm-tools', `${KUBERNETES_VALIDATE.package}@${KUBERNETES_VALIDATE.version}`);
  const done = join(dir, '.installed');
  const bin = join(dir, 'bin', 'kubernetes-validate');
  const python = join(dir, 'bin', 'python');
  if (existsSync(done)) return { bin, python };
  log(`installing ${KUBERNETES_VALIDATE.package} ${KUBERNETES_VALIDATE.version} from PyPI into ${dir}…`);
  rmSync(dir, { recursive: true, force: true });
  try {
    run('python3', ['-m', 'venv', dir]);
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${KUBERNETES_VALIDATE.package}==${KUBERNETES_VALIDATE.version}`]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(done, `${KUBERNETES_VALIDATE.package}==${KUBERNETES_VALIDATE.version}\n`);
  return { bin, python };
}

/** Installs each tool that is not in the cache yet; returns their paths. */
export function ensureHelmTools(log = (msg) => console.error(msg)) {
  const helm = ensureHelm(log);
  const kv = ensureKubernetesValidate(log);
  return { helm, kubernetesValidate: kv.bin, python: kv.python, kubernetesVersion: KUBERNETES_VERSION };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(JSON.stringify(ensureHelmTools()));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

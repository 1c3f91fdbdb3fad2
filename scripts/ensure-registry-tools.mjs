// Builds the real registry tools the ingest tests use, from the Go module proxy, once per version:
// CNCF Distribution's `registry` and go-containerregistry's `crane`, under
// $HERALD_CACHE_DIR/registry-tools/<module>@<version>/ (default ~/.cache/herald). Needs Go.
// `node scripts/ensure-registry-tools.mjs` builds what is missing and prints {"registry": path, "crane": path}.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGISTRY_TOOLS = {
  registry: { module: 'github.com/distribution/distribution/v3/cmd/registry', version: 'v3.1.2' },
  crane: { module: 'github.com/google/go-containerregistry/cmd/crane', version: 'v0.22.1' },
};

function cacheDir() {
  return process.env.HERALD_CACHE_DIR || join(homedir(), '.cache', 'herald');
}

/** Builds each tool that is not in the cache yet; returns the path of each binary. */
export function ensureRegistryTools(log = (msg) => console.error(msg)) {
  const out = {};
  for (const [name, { module, version }] of Object.entries(REGISTRY_TOOLS)) {
    const dir = join(cacheDir(), 'registry-tools', `${name}@${version}`);
    const bin = join(dir, name);
    if (!existsSync(bin)) {
      log(`building ${name} ${version} from the Go module proxy (go install ${module}@${version})…`);
      const t0 = Date.now();
      // Built into a fresh folder and moved into place, so an interrupted build is never taken for a finished one.
      const tmp = `${dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      const r = spawnSync('go', ['install', `${module}@${version}`], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOBIN: tmp, CGO_ENABLED: '0' } });
      if (r.error || r.status !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        throw new Error(`go install ${module}@${version} failed${r.error ? `: ${r.error.message}` : ''}`);
      }
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      log(`${name} built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
    out[name] = bin;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(JSON.stringify(ensureRegistryTools()));
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

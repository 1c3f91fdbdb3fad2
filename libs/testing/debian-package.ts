import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let updated = false;

/**
 * Makes sure a Debian package's program is installed (tests that need e.g. docker-compose install it
 * themselves, so a fresh machine needs nothing by hand). Waits for a dpkg lock held by another install.
 */
export function ensureDebianPackage(program: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim();
  if (found && existsSync(found)) return found;
  const apt = (args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  console.log(`installing Debian package ${pkg} (for ${program})…`);
  if (!updated) {
    apt(['update', '-qq']);
    updated = true;
  }
  apt(['install', '-y', '-qq', pkg]);
  return spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim();
}

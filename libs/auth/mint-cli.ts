import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mintToken } from './mint.js';

const USAGE = `usage: herald-token --sub NAME [--grant ns/repo:admin]... [--team T]... [--org O]...
                    [--ttl SECONDS] [--secret S | --key-file PRIVATE.pem] [--alg ALG]
                    [--issuer ISS] [--audience AUD]
Prints a bearer token for Herald's API. The key defaults to $AUTH_JWT_SECRET or the PEM file named by
$AUTH_JWT_PRIVATE_KEY_FILE; issuer and audience to $AUTH_JWT_ISSUER and $AUTH_JWT_AUDIENCE.
A grant is ns/repo or ns/* followed by :actions (comma-separated; default admin).`;

interface Out {
  write(s: string): unknown;
}

/** The `herald-token` command. Returns the exit code. */
export async function runMintCli(argv: string[], env: NodeJS.ProcessEnv, stdout: Out, stderr: Out): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        sub: { type: 'string' },
        grant: { type: 'string', multiple: true },
        team: { type: 'string', multiple: true },
        org: { type: 'string', multiple: true },
        ttl: { type: 'string' },
        secret: { type: 'string' },
        'key-file': { type: 'string' },
        alg: { type: 'string' },
        issuer: { type: 'string' },
        audience: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!values.sub) throw new Error('--sub is required');
    const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
    if (!Number.isInteger(ttl)) throw new Error('--ttl must be an integer number of seconds');
    const keyFile = values['key-file'] ?? env['AUTH_JWT_PRIVATE_KEY_FILE'];
    const secret = values.secret ?? (keyFile ? undefined : env['AUTH_JWT_SECRET']);
    const token = await mintToken({
      sub: values.sub,
      grants: values.grant ?? [],
      teams: values.team ?? [],
      orgs: values.org ?? [],
      ttlSeconds: ttl,
      secret,
      privateKeyPem: secret ? undefined : keyFile ? readFileSync(keyFile, 'utf8') : undefined,
      alg: values.alg,
      issuer: values.issuer ?? env['AUTH_JWT_ISSUER'],
      audience: values.audience ?? env['AUTH_JWT_AUDIENCE'],
    });
    stdout.write(`${token}\n`);
    return 0;
  } catch (err) {
    stderr.write(`herald-token: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
}

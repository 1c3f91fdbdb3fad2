#!/usr/bin/env node
// Mints a bearer token for Herald's API (operators, tests). See `herald-token --help`.
import { register } from 'tsx/esm/api';

register();
const { runMintCli } = await import('../mint-cli.ts');
process.exitCode = await runMintCli(process.argv.slice(2), process.env, process.stdout, process.stderr);

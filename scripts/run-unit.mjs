// `test` target of one project (Nx): its unit tests, beside the code.
import { findTests, runNodeTests } from './run-node-tests.mjs';

const files = findTests(process.cwd());
if (files.length === 0) {
  console.log('no unit tests in this project');
  process.exit(0);
}
const r = await runNodeTests(files, { cwd: process.cwd(), concurrency: 2 });
process.exit(r.code === 0 && r.fail === 0 ? 0 : 1);

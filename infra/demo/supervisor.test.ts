import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { describeRestart, exitOf, Supervisor, type RestartEvent, type SupervisorOptions } from './supervisor.js';

/** A supervisor over `node -e <script>`, recording every start and restart; stopped after the test. */
function supervise(t: TestContext, script: string, opts: Partial<SupervisorOptions> = {}) {
  const children: ChildProcess[] = [];
  const restarts: RestartEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const supervisor = new Supervisor({
    name: 'probe',
    start: async () => {
      const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore', env: { ...process.env, PROBE_RUN: String(children.length + 1) } });
      children.push(child);
      for (const w of waiters.filter((w) => children.length >= w.n)) w.resolve();
      return { child };
    },
    onRestart: (e) => restarts.push(e),
    initialDelayMs: 40,
    maxDelayMs: 160,
    ...opts,
  });
  t.after(() => supervisor.stop());
  /** Resolves once the process has been started `n` times. */
  const started = (n: number) => new Promise<void>((resolve) => (children.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { supervisor, children, restarts, started };
}

test('a process that keeps exiting is restarted with doubling delays up to the maximum', async (t) => {
  const { supervisor, children, restarts, started } = supervise(t, 'process.exit(3)');
  await supervisor.start();
  await started(5);
  await supervisor.stop();
  assert.deepEqual(restarts.slice(0, 4).map((r) => r.delayMs), [40, 80, 160, 160]);
  assert.deepEqual(restarts.slice(0, 4).map((r) => [r.name, r.code, r.signal, r.restarts]), [
    ['probe', 3, null, 1],
    ['probe', 3, null, 2],
    ['probe', 3, null, 3],
    ['probe', 3, null, 4],
  ]);
  assert.equal(describeRestart(restarts[1]!).replace(/after [\d.]+s/, 'after Ns'), 'probe stopped (exit code 3) after Ns; restart 2 in 0.1s');
  assert.equal(supervisor.getState(), 'stopped');
  // stop() waited for the supervision loop: whatever it had started has ended, nothing else will start.
  const count = children.length;
  await Promise.all(children.map(exitOf));
  assert.equal(children.length, count);
});

test('a killed process is restarted; the next one is a new process', async (t) => {
  const { supervisor, children, restarts, started } = supervise(t, 'setInterval(() => {}, 1000)');
  await supervisor.start();
  assert.equal(supervisor.getState(), 'running');
  children[0]!.kill('SIGKILL');
  await started(2);
  assert.deepEqual(restarts.map((r) => [r.code, r.signal, r.delayMs]), [[null, 'SIGKILL', 40]]);
  assert.match(describeRestart(restarts[0]!), /^probe stopped \(signal SIGKILL\) after [\d.]+s; restart 1 in 0\.0s$/);
  assert.notEqual(children[1]!.pid, children[0]!.pid);
  // The supervisor takes the new child over once start() has returned it.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(supervisor.child, children[1]);
  assert.equal(supervisor.getState(), 'running');
  await supervisor.stop();
  assert.equal(children[1]!.signalCode, 'SIGTERM');
  assert.equal(children.length, 2);
});

test('a run longer than resetAfterMs starts the back-off over', async (t) => {
  // Each run lasts ~100 ms, past the 50 ms reset: every restart waits the initial delay.
  const { supervisor, restarts, started } = supervise(t, 'setTimeout(() => process.exit(1), 100)', { resetAfterMs: 50 });
  await supervisor.start();
  await started(4);
  await supervisor.stop();
  assert.deepEqual(restarts.slice(0, 3).map((r) => [r.delayMs, r.restarts]), [[40, 1], [40, 1], [40, 1]]);
});

test('stop() during the back-off cancels the restart', async (t) => {
  const { supervisor, children, restarts } = supervise(t, 'process.exit(0)', { initialDelayMs: 60_000 });
  const backingOff = new Promise<void>((resolve) => {
    const check = () => (supervisor.getState() === 'backing-off' ? resolve() : setImmediate(check));
    check();
  });
  await supervisor.start();
  await backingOff;
  assert.equal(restarts.length, 1);
  await supervisor.stop();
  assert.equal(supervisor.getState(), 'stopped');
  assert.equal(children.length, 1);
});

test('a first start that is not ready fails and supervises nothing', async () => {
  const children: ChildProcess[] = [];
  const supervisor = new Supervisor({
    name: 'never-ready',
    start: async () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      children.push(child);
      return { child, ready: () => Promise.reject(new Error('not ready')) };
    },
    onRestart: () => assert.fail('restarted'),
  });
  await assert.rejects(supervisor.start(), /not ready/);
  assert.equal(supervisor.getState(), 'stopped');
  assert.equal(children.length, 1);
  assert.equal(children[0]!.signalCode, 'SIGTERM');
});

test('stop() while a restart waits for readiness ends it quietly, with no further restart', async (t) => {
  const children: ChildProcess[] = [];
  const failures: string[] = [];
  let secondStarted: () => void = () => {};
  const second = new Promise<void>((resolve) => (secondStarted = resolve));
  const supervisor = new Supervisor({
    name: 'slow-to-start',
    start: async () => {
      const script = children.length === 0 ? 'process.exit(1)' : 'setInterval(() => {}, 1000)';
      const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      children.push(child);
      if (children.length === 2) secondStarted();
      // Like a service's readiness probe: ready never, fails once the process is gone.
      const ready = children.length === 1 ? undefined : () => exitOf(child).then(() => Promise.reject(new Error('exited before it was ready')));
      return { child, ...(ready ? { ready } : {}) };
    },
    onRestart: () => {},
    onStartFailed: (_name, err) => failures.push(err.message),
    initialDelayMs: 10,
  });
  t.after(() => supervisor.stop());
  await supervisor.start();
  await second;
  assert.equal(supervisor.getState(), 'starting');
  await supervisor.stop();
  assert.equal(supervisor.getState(), 'stopped');
  assert.equal(children[1]!.signalCode, 'SIGTERM');
  assert.deepEqual(failures, []);
  assert.equal(children.length, 2);
});

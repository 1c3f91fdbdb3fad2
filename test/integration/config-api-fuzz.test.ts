// Fuzzes every operation of the service's own OpenAPI document (property-based, fast-check):
// no request may get an undocumented 5xx.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSchema } from '@herald/config-api';
import { InAppStore } from '@herald/store';
import { confirmByLink } from '@herald/infra';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { mutationsFor, validCreateBody } from '../helpers/create-request-arbitrary.js';
import { operationsOf, requestArbitrary, sendFuzzRequest, type FuzzRequest } from '../helpers/openapi-fuzz.js';
import { TEST_SUPERUSER, testToken } from '../helpers/tokens.js';

const RUNS_PER_OPERATION = Number(process.env['FUZZ_RUNS_PER_OPERATION'] ?? 80);
/** 5xx that an operation may answer on purpose: none. */
const ALLOWED_5XX = new Set<string>();
const CREATE_RUNS = Number(process.env['FUZZ_CREATE_RUNS'] ?? 200);

let api: RunningConfigApi;
let sentTotal = 0;

before(async () => {
  api = await startConfigApi();
});
after(async () => {
  // Registry-wide notifications the fuzzer created would stay on the one change feed that every later
  // test's router replays (a job more for each of their events): deleted through the API, which publishes the removal.
  if (api) {
    const root = await testToken(TEST_SUPERUSER);
    const left = await api.request<{ notifications: Array<{ uuid: string }> }>('GET', '/api/v1/superuser/notification/', { token: root });
    for (const n of left.body.notifications ?? []) await api.request('DELETE', `/api/v1/superuser/notification/${n.uuid}`, { token: root });
  }
  await api?.stop();
});

test(`fuzz every OpenAPI operation (${RUNS_PER_OPERATION} runs each): no unexpected 5xx`, { timeout: 600_000 }, async () => {
  const doc = (await api.request<Record<string, unknown>>('GET', '/openapi.json')).body;
  const ops = operationsOf(doc);
  assert.ok(ops.length >= 17, `operations in the document: ${ops.length}`);

  const admin = await testToken('fuzzer', { grants: ['acme/*:admin'], teams: ['acme/owners'] });
  const tokens = [
    admin,
    admin,
    await testToken(TEST_SUPERUSER),
    await testToken('other', { grants: ['other/app:admin'] }),
    await testToken('fuzzer', { grants: ['acme/*:admin'], ttlSeconds: -60 }),
    'not.a.token',
    undefined,
  ];
  const seeded = await api.request<{ uuid: string }>('POST', '/api/v1/repository/acme/app/notification/', {
    token: admin,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, eventConfig: {} },
  });
  assert.equal(seeded.status, 201);
  const { notification } = await new InAppStore(api.db.db).insertInApp({
    target: { kind: 'user', name: 'fuzzer' },
    kind: 'repo_push',
    repository: 'acme/app',
    data: { repository: 'acme/app' },
    delivery_id: 'fuzz-seed',
  });
  await api.request('POST', '/api/v1/repository/acme/app/authorizedemail/ops@example.com', { token: admin });
  // A namespace-wide and a registry-wide notification, so the scoped routes' uuids hit something.
  const scoped: string[] = [];
  for (const [path, token] of [
    ['/api/v1/organization/acme/notification/', admin],
    ['/api/v1/superuser/notification/', await testToken(TEST_SUPERUSER)],
  ] as const) {
    const r = await api.request<{ uuid: string }>('POST', path, { token, body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, eventConfig: {} } });
    assert.equal(r.status, 201, r.text);
    scoped.push(r.body.uuid);
  }
  const examples = {
    // `{repository}` is the full path (the document Fastify generates from the route schemas).
    repository: ['acme/app', 'acme/team/app', 'other/app', 'acme/app%2Fsub'],
    namespace: ['acme', 'other', 'Acme', 'acme%2Fapp'],
    uuid: [seeded.body.uuid, notification.uuid, ...scoped],
    email: ['ops@example.com', 'new@example.com'],
  };

  let sent = 0;
  const statuses = new Map<number, number>();
  const unexpected: Array<{ req: FuzzRequest; status: number; text: string }> = [];
  // Responses are documented, not filtered (the service sends them as JSON.stringify writes them):
  // every 2xx JSON body must be what the document says it is.
  const undocumented: string[] = [];
  let checkedBodies = 0;
  for (const op of ops) {
    const responseValidators = Object.fromEntries(
      Object.entries(op.responseSchemas)
        .filter(([code]) => code.startsWith('2'))
        .map(([code, schema]) => [code, compileSchema(schema)]),
    );
    await fc.assert(
      fc.asyncProperty(requestArbitrary(doc, op, { examples, tokens }), async (req) => {
        const res = await sendFuzzRequest(api.url, req);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const documented = req.method === op.method && req.path.split('?')[0] === op.path.replace(/\{[^}]+\}/g, 'x') ? op.responses : [];
        const ok = res.status > 0 && (res.status < 500 || (ALLOWED_5XX.has(String(res.status)) && (documented.includes(String(res.status)) || op.responses.includes(String(res.status)))));
        if (!ok) unexpected.push({ req, ...res });
        const validate = documented.length > 0 ? responseValidators[String(res.status)] : undefined;
        if (validate) {
          checkedBodies++;
          if (!validate(JSON.parse(res.text))) undocumented.push(`${res.status} ${req.method} ${op.path}: ${JSON.stringify(validate.errors?.[0])} in ${res.text.slice(0, 200)}`);
        }
        return ok;
      }),
      { numRuns: RUNS_PER_OPERATION, seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31), verbose: true },
    );
  }
  const histogram = Object.fromEntries([...statuses.entries()].sort(([a], [b]) => a - b));
  console.log(`fuzz: ${sent} requests over ${ops.length} operations; statuses ${JSON.stringify(histogram)}`);
  assert.deepEqual(unexpected.map((u) => `${u.status} ${u.req.method} ${u.req.path} ${u.text.slice(0, 200)}`), []);
  console.log(`fuzz: ${checkedBodies} 2xx bodies checked against the document's response schemas`);
  assert.deepEqual(undocumented, []);
  assert.ok(checkedBodies >= 100, `2xx bodies checked: ${checkedBodies}`);
  assert.ok(sent >= 1000, `sent ${sent}`);
  sentTotal += sent;
  assert.equal((await api.request('GET', '/readyz')).status, 200, 'still ready after the fuzz');
});

test(`property: ${CREATE_RUNS} valid creations are 201 as sent, ${CREATE_RUNS} single mutations are 400 naming the field`, { timeout: 600_000 }, async () => {
  const repo = 'prop/app';
  const base = `/api/v1/repository/${repo}`;
  const token = await testToken('prop', { grants: [`${repo}:admin`] });
  const email = 'prop@example.com';
  await api.request('POST', `${base}/authorizedemail/${email}`, { token });
  const mail = await api.smtp.waitFor((m) => m.to.includes(email));
  const link = /\/authrepoemail\?code=[A-Za-z0-9_%-]+/.exec(mail.decoded)?.[0];
  assert.ok(link);
  assert.equal((await confirmByLink(`${api.url}${link}`)).status, 200);

  let sent = 0;
  await fc.assert(
    fc.asyncProperty(validCreateBody(email), async (body) => {
      const res = await api.request<Record<string, unknown>>('POST', `${base}/notification/`, { token, body });
      sent++;
      assert.equal(res.status, 201, `${JSON.stringify(body)} → ${res.text}`);
      assert.equal(res.body['event'], body.event);
      assert.equal(res.body['method'], body.method);
      const ec = body.eventConfig;
      const expected = ec['days'] !== undefined ? { days: ec['days'] } : ec;
      assert.deepEqual(res.body['event_config'], expected);
    }),
    { numRuns: CREATE_RUNS },
  );
  const before = await api.db.db.collection('notifications').countDocuments({ repository: repo });
  await fc.assert(
    fc.asyncProperty(
      validCreateBody(email).chain((b) => {
        const ms = mutationsFor(b);
        return fc.nat({ max: ms.length - 1 }).map((i) => [b, ms[i]] as const);
      }),
      async ([body, mutation]) => {
        if (!mutation) return;
        const [field, apply] = mutation;
        const res = await api.request<{ field: string; error: string }>('POST', `${base}/notification/`, { token, body: apply(body) });
        sent++;
        assert.equal(res.status, 400, `${field}: ${JSON.stringify(apply(body))} → ${res.text}`);
        assert.equal(res.body.field, field, res.body.error);
      },
    ),
    { numRuns: CREATE_RUNS },
  );
  assert.equal(await api.db.db.collection('notifications').countDocuments({ repository: repo }), before, 'no invalid request stored anything');
  sentTotal += sent;
  console.log(`fuzz: ${sent} property-based create requests; total ${sentTotal} requests, zero unexpected 5xx`);
});

import { mintToken } from '@herald/auth';

export const DEMO_REPOSITORY = 'demo/app';
export const DEMO_EMAIL = 'dev@demo.example';

interface Api {
  (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/** An admin token for a namespace (default the demo's), with its org for in-app alerts. */
export function demoToken(secret: string, namespace = 'demo'): Promise<string> {
  return mintToken({ secret, sub: 'admin', grants: [`${namespace}/*:admin`], orgs: [namespace], ttlSeconds: 7 * 24 * 3600 });
}

function client(apiUrl: string, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}

/**
 * Seeds the demo repository with one notification per method through the real API (idempotent: an
 * existing demo setup is kept). The e-mail address is authorized first; `confirm` follows the link
 * that the confirmation mail carries.
 */
export async function seedDemo(apiUrl: string, token: string, inboxUrl: string, confirm: () => Promise<void>, repository = DEMO_REPOSITORY): Promise<string[]> {
  const api = client(apiUrl, token);
  const base = `/api/v1/repository/${repository}`;
  const existing = await api('GET', `${base}/notification/`);
  if (existing.status !== 200) throw new Error(`listing demo notifications failed: ${existing.status} ${JSON.stringify(existing.body)}`);
  const have = new Set(((existing.body as { notifications: { method: string }[] }).notifications ?? []).map((n) => n.method));

  const email = await api('GET', `${base}/authorizedemail/${DEMO_EMAIL}`);
  if ((email.body as { confirmed?: boolean } | undefined)?.confirmed !== true) {
    const asked = await api('POST', `${base}/authorizedemail/${DEMO_EMAIL}`);
    if (asked.status >= 300) throw new Error(`e-mail authorization failed: ${asked.status}`);
    await confirm();
  }

  const wanted = [
    { title: 'Pushes to the demo webhook', event: 'repo_push', method: 'webhook', config: { url: `${inboxUrl}/webhook` }, eventConfig: {} },
    { title: 'Build failures by e-mail', event: 'build_failure', method: 'email', config: { email: DEMO_EMAIL }, eventConfig: {} },
    { title: 'Vulnerabilities to Slack', event: 'vulnerability_found', method: 'slack', config: { url: `${inboxUrl}/slack/T000/B000/demo` }, eventConfig: { level: 2 } },
    { title: 'Builds of main to Flowdock', event: 'build_success', method: 'flowdock', config: { flow_api_token: 'demo-flow-token' }, eventConfig: { 'ref-regex': 'refs/heads/main' } },
    { title: 'Mirror failures to HipChat', event: 'repo_mirror_sync_failed', method: 'hipchat', config: { room_id: '42', notification_token: 'demo-hipchat-token' }, eventConfig: {} },
    { title: 'Pushes in the app', event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'user', name: 'admin' } }, eventConfig: {} },
  ];
  const created: string[] = [];
  for (const n of wanted.filter((w) => !have.has(w.method))) {
    const res = await api('POST', `${base}/notification/`, n);
    if (res.status !== 201) throw new Error(`creating the ${n.method} notification failed: ${res.status} ${JSON.stringify(res.body)}`);
    created.push(n.method);
  }
  return created;
}

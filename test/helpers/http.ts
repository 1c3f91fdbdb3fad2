export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | undefined;
  /** JSON-encoded unless a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A tiny JSON client for a service under test. */
export function httpClient(baseUrl: string) {
  return async function request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(new URL(path, baseUrl), { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
    return { status: res.status, headers: res.headers, body: (isJson ? JSON.parse(text) : text) as T, text };
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/** A service's /readyz on its ops port: the status and the reason it gives when not ready. */
export async function readyz(port: number): Promise<{ status: number; reason?: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  const body = (await r.json()) as { reason?: string };
  return { status: r.status, reason: body.reason };
}

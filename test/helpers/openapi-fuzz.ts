import fc from 'fast-check';

type Json = Record<string, unknown>;

/** One operation of an OpenAPI 3 document. */
export interface Operation {
  method: string;
  path: string;
  parameters: Json[];
  bodySchema: Json | undefined;
  /** Documented response codes. */
  responses: string[];
  /** The documented JSON body of each response code that has one ($refs resolved at the top). */
  responseSchemas: Record<string, Json>;
}

/** A concrete request to send. */
export interface FuzzRequest {
  op: Operation;
  method: string;
  path: string;
  token: string | undefined;
  body: string | undefined;
  contentType: string | undefined;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

function resolve(doc: Json, schema: Json): Json {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((o, k) => (o as Json | undefined)?.[k], doc);
  return resolve(doc, (target ?? {}) as Json);
}

/** Every operation in the document, with path-level parameters merged in. */
export function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
    const shared = (item['parameters'] ?? []) as Json[];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const content = ((op['requestBody'] as Json | undefined)?.['content'] ?? {}) as Record<string, Json>;
      const schema = content['application/json']?.['schema'] as Json | undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: [...shared, ...((op['parameters'] ?? []) as Json[])].map((p) => resolve(doc, p)),
        bodySchema: schema ? resolve(doc, schema) : undefined,
        responses: Object.keys((op['responses'] ?? {}) as Json),
        responseSchemas: Object.fromEntries(
          Object.entries((op['responses'] ?? {}) as Record<string, Json>).flatMap(([code, r]) => {
            const schema = ((r['content'] as Record<string, Json> | undefined)?.['application/json'] as Json | undefined)?.['schema'] as Json | undefined;
            return schema ? [[code, resolve(doc, schema)]] : [];
          }),
        ),
      });
    }
  }
  return ops;
}

const junk = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 2 });

/** An arbitrary for a JSON schema: mostly values of the schema, sometimes anything JSON. */
export function schemaArbitrary(doc: Json, raw: Json, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  let typed: fc.Arbitrary<unknown>;
  if (Array.isArray(s['enum'])) {
    typed = fc.oneof(fc.constantFrom(...(s['enum'] as unknown[])), fc.string({ maxLength: 12 }));
  } else if (Array.isArray(s['oneOf'])) {
    typed = fc.oneof(...(s['oneOf'] as Json[]).map((x) => schemaArbitrary(doc, x, depth + 1)));
  } else {
    switch (s['type']) {
      case 'string': {
        const options: fc.Arbitrary<unknown>[] = [fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })];
        if (s['format'] === 'uri') options.push(fc.webUrl({ withQueryParameters: true, withFragments: true }));
        if (s['format'] === 'email') options.push(fc.emailAddress());
        if (s['format'] === 'uuid') options.push(fc.uuid());
        if (typeof s['pattern'] === 'string') options.push(fc.stringMatching(new RegExp(s['pattern'] as string)));
        if (typeof s['maxLength'] === 'number') options.push(fc.string({ minLength: s['maxLength'] as number, maxLength: (s['maxLength'] as number) + 5 }));
        typed = fc.oneof(...options);
        break;
      }
      case 'integer':
        typed = fc.oneof(
          fc.integer({ min: (s['minimum'] as number | undefined) ?? -10, max: (s['maximum'] as number | undefined) ?? 1000 }),
          fc.integer(),
          fc.double(),
        );
        break;
      case 'boolean':
        typed = fc.boolean();
        break;
      case 'array':
        typed = depth > 3 ? fc.constant([]) : fc.array(schemaArbitrary(doc, (s['items'] ?? {}) as Json, depth + 1), { maxLength: 4 });
        break;
      case 'object': {
        const props = (s['properties'] ?? {}) as Record<string, Json>;
        const required = (s['required'] ?? []) as string[];
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, depth > 3 ? junk() : schemaArbitrary(doc, v, depth + 1)]));
        typed = fc
          .tuple(
            fc.record(model, { requiredKeys: required.filter((k) => k in model) }),
            fc.dictionary(fc.string({ maxLength: 8 }), junk(), { maxKeys: 2 }),
          )
          .map(([known, extra]) => ({ ...extra, ...known }));
        break;
      }
      default:
        typed = junk();
    }
  }
  return fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: junk() });
}

/** Path parameter values: realistic examples, given ones, or hostile strings. */
function paramArbitrary(doc: Json, p: Json, examples: Record<string, string[]>): fc.Arbitrary<string> {
  const name = p['name'] as string;
  const given = examples[name] ?? [];
  const fromSchema = schemaArbitrary(doc, (p['schema'] ?? {}) as Json).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const hostile = fc.constantFrom('..', '.', '%', '%2F', '%00', 'a/b', '', ' ', '\u0000', 'ä', 'x'.repeat(300), '{uuid}', '$where', '__proto__');
  const arbs: Array<fc.WeightedArbitrary<string>> = [
    { weight: 2, arbitrary: fromSchema },
    { weight: 1, arbitrary: hostile },
  ];
  // Realistic values dominate, so requests get past routing and auth into the handlers.
  if (given.length > 0) arbs.push({ weight: 12, arbitrary: fc.constantFrom(...given) });
  return fc.oneof(...arbs);
}

function encodeSegment(v: string, raw: boolean): string {
  return raw ? v : encodeURIComponent(v);
}

export interface FuzzOptions {
  /** Realistic values per parameter name (existing uuids, valid repository names…). */
  examples: Record<string, string[]>;
  /** Tokens to pick from (undefined = no token). */
  tokens: Array<string | undefined>;
}

/** An arbitrary request for one operation of the document. */
export function requestArbitrary(doc: Json, op: Operation, opts: FuzzOptions): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p['in'] === 'path');
  const queryParams = op.parameters.filter((p) => p['in'] === 'query');
  const params = fc.record(Object.fromEntries(pathParams.map((p) => [p['name'] as string, paramArbitrary(doc, p, opts.examples)])));
  const query = fc.record(
    Object.fromEntries(queryParams.map((p) => [p['name'] as string, fc.option(paramArbitrary(doc, p, opts.examples), { nil: undefined })])),
  );
  const body: fc.Arbitrary<{ body: string | undefined; contentType: string | undefined }> = op.bodySchema
    ? fc.oneof(
        { weight: 8, arbitrary: schemaArbitrary(doc, op.bodySchema).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => ({ body: s, contentType: 'application/json' })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.string({ maxLength: 30 }), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'))
            .map(([s, contentType]) => ({ body: s, contentType })),
        },
        { weight: 1, arbitrary: fc.constant({ body: undefined, contentType: undefined }) },
      )
    : fc.oneof(
        { weight: 6, arbitrary: fc.constant({ body: undefined, contentType: undefined }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })) },
      );
  const method = fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') });
  return fc
    .record({ params, query, body, method, raw: fc.boolean(), token: fc.constantFrom(...opts.tokens) })
    .map(({ params, query, body, method, raw, token }) => {
      let path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeSegment(String(params[name] ?? ''), raw));
      const qs = Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      if (qs) path += `?${qs}`;
      const withBody = method !== 'GET' && method !== 'HEAD';
      return { op, method, path, token, body: withBody ? body.body : undefined, contentType: withBody ? body.contentType : undefined };
    });
}

/** Sends a fuzz request; network-level failures are returned as status 0. */
export async function sendFuzzRequest(baseUrl: string, r: FuzzRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (r.token !== undefined) headers['authorization'] = `Bearer ${r.token}`;
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  let url: URL;
  try {
    url = new URL(r.path, baseUrl);
  } catch {
    return { status: 400, text: 'unparseable URL (not sent)' };
  }
  const res = await fetch(url, { method: r.method, headers, body: r.body, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

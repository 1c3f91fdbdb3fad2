import https from 'node:https';
import avro from 'avsc';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { DecodeError, HeraldError, ValidationError } from '@herald/errors';
import { plainConverter } from './avro-plain.js';
import { schemaInternals, type HeraldSchema } from './herald-schema.js';
import { ALL_SCHEMAS } from './schemas.js';
import type { Projection } from './projection.js';
import { splitRecord, type SplitRecord } from './shared-field-encoder.js';
import { encodeFramed, encodeFramedWith, unframe } from './wire-format.js';
import { registryError, statusOf } from './registry-errors.js';

/** Where the registry is and how to reach it: `registryConnection(config)` of @herald/config fits. */
export interface SchemaRegistryCodecOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  url: string;
  /** HTTP basic credentials. */
  auth?: { username: string; password: string };
  /** CA bundle (PEM) for an https registry signed by a private CA. */
  ca?: Buffer;
  clientId?: string;
  /** Local schemas that messages are decoded into, matched by record name (default: all of Herald's). */
  readers?: readonly HeraldSchema<unknown>[];
  /** How long an id the registry does not know stays known-unknown, so garbage costs no request each time. */
  unknownSchemaTtlMs?: number;
  /** HTTP retries of registry calls (default 3). */
  retries?: number;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

/** How to read one writer schema (by id) into a local value, or why it cannot be read. */
interface Reader {
  name: string | undefined;
  read(payload: Buffer): unknown;
  error?: DecodeError;
  /** The writer's type when it is exactly the local schema's (read without resolution). */
  exact?: avro.Type;
  /** The writer's type (projections resolve from it). */
  writer?: avro.Type;
}

/** Reads a payload with its writer schema's reader; throws DecodeError when it cannot. */
function read<T>(reader: Reader, schemaId: number, payload: Buffer, expected: HeraldSchema<T> | undefined): T {
  if (reader.error) throw reader.error;
  if (expected && reader.name !== expected.name) {
    throw new DecodeError('UNEXPECTED_SCHEMA', `schema ${schemaId} is ${String(reader.name)}, expected ${expected.name}`);
  }
  try {
    return reader.read(payload) as T;
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError('INVALID', `payload does not match schema ${schemaId}: ${(err as Error).message}`, { cause: err });
  }
}

/** Bounds the memory that ids of garbage messages can take. */
const MAX_UNKNOWN_IDS = 10_000;

type Resolver = ReturnType<avro.Type['createResolver']>;

/**
 * Avro encoding and decoding through a Confluent-compatible schema registry (Apicurio's ccompat API
 * works). Registry calls happen only on the first use of a subject or schema id; after that, encode
 * and decode are in-process. Decoding reads every writer schema into the local schema of the same
 * record name (Avro schema resolution), so consumers see one shape whatever version wrote a message.
 *
 * Failures: a message that cannot be decoded gives a DecodeError (`DECODE_EMPTY`, `DECODE_NOT_AVRO`,
 * `DECODE_UNKNOWN_SCHEMA`, `DECODE_INCOMPATIBLE_SCHEMA`, `DECODE_UNEXPECTED_SCHEMA`, `DECODE_INVALID`),
 * which belongs on a dead-letter topic; an unreachable registry gives a retriable HeraldError
 * (`REGISTRY_UNAVAILABLE`), which does not mean the message is bad.
 */
export class SchemaRegistryCodec {
  readonly #registry: SchemaRegistry;
  readonly #byName = new Map<string, HeraldSchema<unknown>>();
  readonly #subjects = new Map<string, { id: number; schema: HeraldSchema<unknown> }>();
  readonly #readers = new Map<number, Reader>();
  readonly #pending = new Map<number, Promise<Reader>>();
  readonly #unknownUntil = new Map<number, number>();
  readonly #unknownTtlMs: number;
  /** Whether a writer schema id is exactly the type of a subject's field (`id subject field`). */
  readonly #spliceable = new Map<string, boolean>();
  /** Per projection, its resolver from each writer schema id (or why that writer cannot be read). */
  readonly #projected = new WeakMap<Projection<unknown>, Map<number, Resolver | DecodeError>>();

  constructor(opts: SchemaRegistryCodecOptions) {
    this.#registry = new SchemaRegistry({
      host: opts.url.replace(/\/+$/, ''),
      clientId: opts.clientId ?? 'herald',
      retry: { retries: opts.retries ?? 3 },
      // HTTP basic, as Confluent-compatible registries take it; a private CA through an https agent.
      ...(opts.auth ? { auth: { ...opts.auth } } : {}),
      ...(opts.ca ? { agent: new https.Agent({ ca: opts.ca, keepAlive: true }) } : {}),
    });
    for (const schema of opts.readers ?? ALL_SCHEMAS) this.#byName.set(schema.name, schema);
    this.#unknownTtlMs = opts.unknownSchemaTtlMs ?? 30_000;
  }

  /**
   * Registers `schema` under `subject` (e.g. `SUBJECTS.repositoryEvents`) with compatibility
   * BACKWARD and remembers its id for `encode`. Idempotent: the same schema gets the same id.
   * Throws HeraldError `SCHEMA_INCOMPATIBLE` when the registry refuses it.
   */
  async register<T>(subject: string, schema: HeraldSchema<T>): Promise<number> {
    const known = this.#subjects.get(subject);
    if (known?.schema === schema) return known.id;
    let id: number;
    for (let attempt = 1; ; attempt++) {
      try {
        ({ id } = await this.#registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schema.definition) },
          { subject, compatibility: COMPATIBILITY.BACKWARD },
        ));
        break;
      } catch (err) {
        // Two processes registering a new subject at once both set its compatibility rule, and the
        // registry refuses the second ("A rule named 'COMPATIBILITY' already exists", 409): the
        // subject exists now, and registering again finds its rule and its schema.
        if (attempt < 3 && statusOf(err) === 409 && /already exists/i.test((err as Error).message ?? '')) continue;
        throw registryError(err, `register ${schema.name} under ${subject}`);
      }
    }
    const own = schema as HeraldSchema<unknown>;
    this.#subjects.set(subject, { id, schema: own });
    if (!this.#byName.has(own.name)) this.#byName.set(own.name, own);
    if (!this.#readers.has(id)) this.#readers.set(id, this.#readerFor(id, schemaInternals(own).type));
    return id;
  }

  /** The schema id `encode` uses for `subject`, once registered. */
  schemaId(subject: string): number | undefined {
    return this.#subjects.get(subject)?.id;
  }

  /**
   * Encodes `value` with the schema registered for `subject` (call `register` first) in the
   * Confluent wire format. Throws a ValidationError naming the field when the value does not fit.
   */
  encode<T>(subject: string, value: T): Buffer {
    const registered = this.#subjects.get(subject);
    if (!registered) throw new HeraldError('SCHEMA_NOT_REGISTERED', `no schema registered for subject ${subject}; call register() first`);
    const { type, toAvro } = schemaInternals(registered.schema);
    try {
      return encodeFramed(type, registered.id, toAvro(value));
    } catch (err) {
      // Only the slow path validates, to name the offending field.
      registered.schema.validate(value);
      throw new ValidationError('value', `does not fit ${registered.schema.name}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Encodes values that share one field's value (the same object, e.g. the jobs the router makes of
   * one event share `event`): that field is encoded once instead of once per value. The result is
   * byte for byte what `encode` gives for each value; any other case falls back to `encode`.
   */
  encodeSharing<T extends object>(subject: string, values: readonly T[], field: keyof T & string, fieldBytes?: Buffer): Buffer[] {
    const registered = this.#subjects.get(subject);
    const first = values[0];
    if (!registered || !first || (values.length < 2 && !fieldBytes) || values.some((v) => v[field] !== first[field])) return values.map((v) => this.encode(subject, v));
    const { type, toAvro } = schemaInternals(registered.schema);
    const split = splitRecord(type, field);
    if (!split) return values.map((v) => this.encode(subject, v));
    try {
      const shared = fieldBytes ?? split.field.toBuffer((toAvro(first) as Record<string, unknown>)[field]);
      // toAvro converts every field; only the ones around the shared field are written here.
      return values.map((v) => encodeAroundSplit(registered.id, split, toAvro(v), shared));
    } catch {
      // A value that does not fit: encode names the offending field.
      return values.map((v) => this.encode(subject, v));
    }
  }

  /**
   * One record of `subject` whose `field` comes already encoded (`bytes`, e.g. an event's own bytes
   * from `fieldBytes`), and `fields` holds the others in Avro form: the schema's value conversion is
   * not applied (for a job it only converts the event, which is not there). Byte for byte what
   * `encode` gives for the whole record. Throws a ValidationError when a field does not fit.
   */
  encodeAround(subject: string, field: string, fields: Readonly<Record<string, unknown>>, bytes: Buffer): Buffer {
    const registered = this.#subjects.get(subject);
    if (!registered) throw new HeraldError('SCHEMA_NOT_REGISTERED', `no schema registered for subject ${subject}; call register() first`);
    const split = splitRecord(schemaInternals(registered.schema).type, field);
    if (!split) throw new HeraldError('SCHEMA_NO_SUCH_FIELD', `${registered.schema.name} has no field ${field}`);
    try {
      return encodeAroundSplit(registered.id, split, fields, bytes);
    } catch (err) {
      throw new ValidationError('value', `does not fit ${registered.schema.name}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * The Avro bytes inside a framed message `value` when its writer schema is exactly the type of
   * `field` in `subject`'s schema, so that they are that field's encoding as they stand: the router
   * splices an event's own bytes into its jobs (`encodeSharing`'s `fieldBytes`) instead of encoding
   * the event again. Undefined when the writer schema differs (it is then read with resolution, and
   * its bytes are not the field's), is not known yet, or the value is not framed.
   */
  fieldBytes(value: Buffer | null | undefined, subject: string, field: string): Buffer | undefined {
    let framed: ReturnType<typeof unframe>;
    try {
      framed = unframe(value);
    } catch {
      return undefined;
    }
    const key = `${framed.schemaId} ${subject} ${field}`;
    let ok = this.#spliceable.get(key);
    if (ok === undefined) {
      const registered = this.#subjects.get(subject);
      const exact = this.#readers.get(framed.schemaId)?.exact;
      if (!registered || !exact) return undefined;
      const split = splitRecord(schemaInternals(registered.schema).type, field);
      ok = split !== null && split.field.equals(exact);
      this.#spliceable.set(key, ok);
    }
    return ok ? framed.payload : undefined;
  }

  /**
   * Decodes a message value. With `expected`, the writer schema must be that record (else
   * `DECODE_UNEXPECTED_SCHEMA`) and the result is typed. Throws DecodeError for undecodable input.
   */
  async decode<T = unknown>(value: Buffer | null | undefined, expected?: HeraldSchema<T>): Promise<T> {
    const { schemaId, payload } = unframe(value);
    // Cache hits stay synchronous; only a new schema id goes to the registry.
    const reader = this.#readers.get(schemaId) ?? (await this.#load(schemaId));
    return read(reader, schemaId, payload, expected);
  }

  /**
   * `safeDecode` without the registry: the result when the message's schema id is already known
   * (or the value is not even framed), undefined when the registry must be asked first. For hot
   * paths that would otherwise pay for a promise per message.
   */
  decodeKnown<T = unknown>(value: Buffer | null | undefined, expected?: HeraldSchema<T>): DecodeResult<T> | undefined {
    try {
      const { schemaId, payload } = unframe(value);
      const reader = this.#readers.get(schemaId);
      return reader ? { ok: true, value: read(reader, schemaId, payload, expected) } : undefined;
    } catch (err) {
      if (err instanceof DecodeError) return { ok: false, error: err };
      throw err;
    }
  }

  /**
   * Reads only a projection's fields of a message (see `defineProjection`): the rest is skipped, not
   * built. Synchronous: undefined when the message's schema id is not known yet (`safeDecode` the
   * message first, which fetches it). Fails as `decode` does (`DECODE_UNEXPECTED_SCHEMA` for
   * another record, `DECODE_INVALID` for bytes that do not follow the writer schema, …); a value that
   * does not follow its writer schema within the skipped fields fails too, since skipping walks them.
   */
  decodeProjection<T>(value: Buffer | null | undefined, projection: Projection<T>): DecodeResult<T> | undefined {
    try {
      const { schemaId, payload } = unframe(value);
      const reader = this.#readers.get(schemaId);
      if (!reader) return undefined;
      if (reader.error) throw reader.error;
      if (reader.name !== projection.name || !reader.writer) {
        throw new DecodeError('UNEXPECTED_SCHEMA', `schema ${schemaId} is ${String(reader.name)}, expected ${projection.name}`);
      }
      const resolver = this.#projectionResolver(projection as Projection<unknown>, schemaId, reader.writer);
      try {
        return { ok: true, value: projection.fromAvro(projection.type.fromBuffer(payload, resolver)) };
      } catch (err) {
        if (err instanceof DecodeError) throw err;
        throw new DecodeError('INVALID', `payload does not match schema ${schemaId}: ${(err as Error).message}`, { cause: err });
      }
    } catch (err) {
      if (err instanceof DecodeError) return { ok: false, error: err };
      throw err;
    }
  }

  #projectionResolver(projection: Projection<unknown>, schemaId: number, writer: avro.Type): Resolver {
    let byId = this.#projected.get(projection);
    if (!byId) this.#projected.set(projection, (byId = new Map()));
    let resolver = byId.get(schemaId);
    if (resolver === undefined) {
      try {
        resolver = projection.type.createResolver(writer);
      } catch (err) {
        resolver = new DecodeError('INCOMPATIBLE_SCHEMA', `schema ${schemaId} cannot be read as ${projection.name}: ${(err as Error).message}`);
      }
      byId.set(schemaId, resolver);
    }
    if (resolver instanceof DecodeError) throw resolver;
    return resolver;
  }

  /**
   * Like `decode`, but an undecodable message is a value (`{ok: false, error}`) to route to a
   * dead-letter topic. Registry outages still throw: the message may be fine.
   */
  async safeDecode<T = unknown>(value: Buffer | null | undefined, expected?: HeraldSchema<T>): Promise<DecodeResult<T>> {
    try {
      return { ok: true, value: await this.decode(value, expected) };
    } catch (err) {
      if (err instanceof DecodeError) return { ok: false, error: err };
      throw err;
    }
  }

  #load(id: number): Promise<Reader> {
    const until = this.#unknownUntil.get(id);
    if (id <= 0 || (until !== undefined && until > Date.now())) {
      return Promise.reject(new DecodeError('UNKNOWN_SCHEMA', `schema id ${id} is unknown to the registry`));
    }
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#fetch(id).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  async #fetch(id: number): Promise<Reader> {
    let writer: unknown;
    try {
      writer = await this.#registry.getSchema(id);
    } catch (err) {
      if (statusOf(err) === 404) {
        if (this.#unknownUntil.size >= MAX_UNKNOWN_IDS) this.#unknownUntil.clear();
        this.#unknownUntil.set(id, Date.now() + this.#unknownTtlMs);
        throw new DecodeError('UNKNOWN_SCHEMA', `schema id ${id} is unknown to the registry`, { cause: err });
      }
      throw registryError(err, `fetch schema ${id}`);
    }
    const reader = avro.Type.isType(writer)
      ? this.#readerFor(id, writer as avro.Type)
      : failing(new DecodeError('NOT_AVRO', `schema ${id} is not an Avro schema`));
    this.#readers.set(id, reader);
    return reader;
  }

  #readerFor(id: number, writer: avro.Type): Reader {
    const local = writer.name === undefined ? undefined : this.#byName.get(writer.name);
    if (!local) {
      // Not one of ours: decode with the writer schema itself, still into plain objects.
      const plain = plainConverter(writer);
      return { name: writer.name, writer, read: (payload) => plain(writer.fromBuffer(payload)) };
    }
    const { type, fromAvro } = schemaInternals(local);
    let resolver: Resolver | undefined;
    if (!type.equals(writer)) {
      try {
        resolver = type.createResolver(writer);
      } catch (err) {
        return failing(
          new DecodeError('INCOMPATIBLE_SCHEMA', `schema ${id} cannot be read as the local ${local.name}: ${(err as Error).message}`),
        );
      }
    }
    return { name: local.name, writer, read: (payload) => fromAvro(type.fromBuffer(payload, resolver)), ...(resolver ? {} : { exact: type }) };
  }
}

/** Frames `split.before`, then `shared` as the split field's encoding, then `split.after`, of one value. */
function encodeAroundSplit(schemaId: number, split: SplitRecord, value: unknown, shared: Buffer): Buffer {
  return encodeFramedWith(schemaId, (buf, pos) => {
    const mid = split.before.encode(value, buf, pos);
    if (mid < 0) return mid;
    if (mid + shared.length > buf.length) return buf.length - (mid + shared.length);
    shared.copy(buf, mid);
    return split.after.encode(value, buf, mid + shared.length);
  });
}

function failing(error: DecodeError): Reader {
  return {
    name: undefined,
    error,
    read: () => {
      throw error;
    },
  };
}

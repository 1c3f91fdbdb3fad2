import type { TObject } from 'typebox';

/**
 * A form control of the admin page. `key` is the request path the server names in a 400's
 * `field` (`config.room_id`, `eventConfig.level`), so an error lands beside its control.
 */
export type FieldKind = 'text' | 'url' | 'textarea' | 'number' | 'secret' | 'select' | 'email';

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  required?: boolean;
  placeholder?: string;
  options?: ReadonlyArray<{ value: string; label: string }>;
}

/**
 * Everything Herald knows about one delivery method, in one place: adding a method is a folder with
 * one of these, listed in index.ts. Browser-safe (the admin page bundles it): no node imports.
 */
export interface MethodModule {
  /** The `method` of a notification (SPEC §3). */
  readonly method: string;
  /** What the admin page calls it. */
  readonly label: string;
  /**
   * JSON Schema (TypeBox) of the method's `config`. Each property may carry `x-error`: the text of
   * the 400 naming it (`config.<key>: <x-error>`). Checks a schema cannot say (the destination
   * guard, template parsing, e-mail authorization) run in config-api after it.
   */
  readonly config: TObject;
  /** Config keys holding secrets, each with how a listing shows it (masked). */
  readonly secrets: Readonly<Record<string, (value: string) => string>>;
  /** The admin page's form fields for `config`. */
  readonly form: readonly FieldSpec[];
  /** The delivery service that sends it: `services/<sender>`, reading the method's topic. */
  readonly sender: string;
  /** Where a notification goes, in words, from its (masked) config. */
  describe(config: Record<string, unknown>): string;
  /** The validated config as stored: only the schema's keys, values in their canonical form (default: the schema's keys as sent). */
  normalize?(config: Record<string, unknown>): Record<string, unknown>;
}

/** An `x-error` annotation: the message a 400 gives for the field (see MethodModule.config). */
export const errorText = (text: string): { 'x-error': string } => ({ 'x-error': text });

export const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

import { configError } from '@herald/delivery';
import { JsonTemplate, TemplateError } from '@herald/json-template';

/**
 * Compiled templates by source text (templates change rarely; compiling per delivery is waste).
 * A template that does not compile is a permanent config error of the notification.
 */
export class TemplateCache {
  private readonly cache = new Map<string, JsonTemplate>();

  constructor(private readonly max = 1_000) {}

  get(source: string): JsonTemplate {
    let t = this.cache.get(source);
    if (!t) {
      try {
        t = new JsonTemplate(source);
      } catch (err) {
        if (err instanceof TemplateError) throw configError(`the webhook template is unusable: ${err.message}`, err);
        throw err;
      }
      if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(source, t);
    }
    return t;
  }
}

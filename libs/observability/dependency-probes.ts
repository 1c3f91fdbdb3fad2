/** A dependency a service needs right now, checked when readiness is asked for. */
export interface DependencyCheck {
  /** As /readyz names it: `kafka`, `mongodb`, `schema-registry`. */
  name: string;
  /** Resolves when the dependency answers; rejects (or is timed out) when it does not. */
  check(): Promise<unknown>;
}

export interface DependencyProbesOptions {
  /** A check that has not answered by then counts as unreachable (default 1.5 s). */
  timeoutMs?: number;
  /** Answers are reused for this long, so frequent probes do not load the dependency (default 1 s). */
  cacheMs?: number;
}

/**
 * Checks a service's dependencies when readiness is asked for, never on a timer: a service at rest
 * does no work for it, and an orchestrator's probe sees the state of the moment (503 while Kafka or
 * MongoDB is unreachable, 200 again as soon as it answers, without a restart).
 */
export class DependencyProbes {
  private last: { at: number; results: (string | undefined)[] } | undefined;
  private running: Promise<(string | undefined)[]> | undefined;

  constructor(
    private readonly list: readonly DependencyCheck[],
    private readonly opts: DependencyProbesOptions = {},
  ) {}

  /** The first unreachable dependency with its error (`mongodb unreachable: …`), or undefined. */
  async failing(): Promise<string | undefined> {
    return (await this.results()).find((r) => r !== undefined);
  }

  /** Every dependency by name: true when it answers. */
  async checks(): Promise<Record<string, boolean>> {
    const results = await this.results();
    return Object.fromEntries(this.list.map((c, i) => [c.name, results[i] === undefined]));
  }

  private async results(): Promise<(string | undefined)[]> {
    const now = Date.now();
    if (this.last && now - this.last.at < (this.opts.cacheMs ?? 1_000)) return this.last.results;
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<(string | undefined)[]> {
    const timeoutMs = this.opts.timeoutMs ?? 1_500;
    const results = await Promise.all(
      this.list.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            c.check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return undefined;
        } catch (err) {
          return `${c.name} unreachable: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    this.last = { at: Date.now(), results };
    return results;
  }
}

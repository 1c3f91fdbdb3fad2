/** A failure meant for a human: printed as is (no stack trace), then the CLI exits with `exitCode`. */
export class StackError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'StackError';
  }
}

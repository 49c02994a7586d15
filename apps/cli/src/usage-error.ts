/**
 * A mistake in what the user typed: an unknown command or flag, a bad value,
 * or model options that the builder rejects. main() prints the message to
 * stderr and exits with code 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help explains the fix (omitted for top-level mistakes). */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

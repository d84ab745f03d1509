/** Stable codes for fatal errors; tests assert them, exit codes derive from them. */
export type KpiErrorCode =
  | 'KPI_OPTION_INVALID'
  | 'KPI_CONFIG_MISSING'
  | 'KPI_INPUT_UNREADABLE'
  | 'KPI_INPUT_INVALID'
  | 'KPI_UPLOAD_FAILED'
  | 'KPI_INTERRUPTED';

/** A fatal error with a stable code and the context a person needs to act on it. */
export class KpiError extends Error {
  constructor(
    readonly code: KpiErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KpiError';
  }
}

/** Exit codes, documented in --help and the README. */
export const EXIT = {ok: 0, usage: 1, input: 2, upload: 3, interrupted: 130} as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof KpiError)) return EXIT.usage;
  switch (error.code) {
    case 'KPI_INPUT_UNREADABLE':
    case 'KPI_INPUT_INVALID':
      return EXIT.input;
    case 'KPI_UPLOAD_FAILED':
      return EXIT.upload;
    case 'KPI_INTERRUPTED':
      return EXIT.interrupted;
    default:
      return EXIT.usage;
  }
}

/** A refusal with a stable code, an HTTP status, the field at fault and what to fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { error: { code: string; message: string; field: string | null } } {
    return { error: { code: this.code, message: this.message, field: this.field } };
  }
}

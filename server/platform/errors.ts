import { ERRORS, type ErrorCode } from '../../common/errors.js';

/** A domain failure with a stable code; the error handler turns it into the one error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    message?: string,
  ) {
    super(message ?? ERRORS[code].zh);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  /** Fastify and its plugins read `statusCode` from thrown errors. */
  get statusCode(): number {
    return this.status;
  }
}

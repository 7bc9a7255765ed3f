import { isRetriableCode, parseServerErrorCode, type ImErrorCode } from "./errorCodes.js";

/**
 * The one error type of the SDK. Switch on {@link ImError.code}; {@link ImError.retriable} says whether the
 * same request may succeed later (the outbox resends only then).
 */
export class ImError extends Error {
  /** The stable `IM_…` code: a server code, `IM_CONNECTION_LOST` or `IM_CLIENT_STOPPED`. */
  readonly code: ImErrorCode;
  /** True when nothing was accepted and the request may be retried unchanged. */
  readonly retriable: boolean;

  constructor(code: ImErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImError";
    this.code = code;
    this.retriable = isRetriableCode(code);
  }

  /**
   * Maps a failure of a hub call: a message carrying an `IM_…` code is a server rejection; any other error
   * from the server is `IM_INTERNAL`; everything else means the connection went away during the call.
   */
  static fromInvocationError(error: unknown): ImError {
    if (error instanceof ImError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const code = parseServerErrorCode(message);
    if (code !== undefined) {
      return new ImError(code, message.slice(message.indexOf(code)), { cause: error });
    }
    if (/error occurred invoking|on the server|HubException/i.test(message)) {
      return new ImError("IM_INTERNAL", message, { cause: error });
    }
    return new ImError("IM_CONNECTION_LOST", message, { cause: error });
  }
}

/** Type guard for {@link ImError}. */
export function isImError(error: unknown): error is ImError {
  return error instanceof ImError;
}

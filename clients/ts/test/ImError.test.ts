import { describe, expect, it } from "vitest";
import { ImError } from "../src/ImError.js";
import { isRetriableCode, parseServerErrorCode } from "../src/errorCodes.js";

describe("ImError", () => {
  it("takes the IM code from a HubException message the SignalR client prefixed", () => {
    const e = ImError.fromInvocationError(
      new Error("An unexpected error occurred invoking 'SendC2C' on the server. HubException: IM_CONTENT_TOO_LARGE: content is 9000 bytes"),
    );
    expect(e.code).toBe("IM_CONTENT_TOO_LARGE");
    expect(e.retriable).toBe(false);
    expect(e.message).toBe("IM_CONTENT_TOO_LARGE: content is 9000 bytes");
  });

  it("takes the IM code from a message that starts with it", () => {
    const e = ImError.fromInvocationError(new Error("IM_STORE_UNAVAILABLE: store down"));
    expect(e.code).toBe("IM_STORE_UNAVAILABLE");
    expect(e.retriable).toBe(true);
  });

  it("treats a closed connection as a retriable lost connection", () => {
    const e = ImError.fromInvocationError(new Error("Invocation canceled due to the underlying connection being closed."));
    expect(e.code).toBe("IM_CONNECTION_LOST");
    expect(e.retriable).toBe(true);
  });

  it("treats a server error without a code as a non-retriable internal error", () => {
    const e = ImError.fromInvocationError(new Error("An unexpected error occurred invoking 'Ack' on the server."));
    expect(e.code).toBe("IM_INTERNAL");
    expect(e.retriable).toBe(false);
  });

  it("knows exactly the retriable server codes of the contract", () => {
    for (const code of ["IM_STORE_UNAVAILABLE", "IM_LOG_UNAVAILABLE", "IM_STATE_UNAVAILABLE", "IM_SEND_IN_PROGRESS", "IM_RATE_LIMITED", "IM_SHUTTING_DOWN"] as const) {
      expect(isRetriableCode(code)).toBe(true);
    }
    expect(isRetriableCode("IM_FORBIDDEN")).toBe(false);
    expect(parseServerErrorCode("IM_NOT_A_CODE: x")).toBeUndefined();
  });
});

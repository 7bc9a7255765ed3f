import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RetriableServerCodes, ServerErrorCodes } from "../src/errorCodes.js";
import { HubMethods } from "../src/models.js";
import {
  compareShapes,
  parseCSharpClasses,
  parseCSharpConstants,
  parseCSharpEnum,
  parseTsInterfaces,
  renameShapes,
  wireName,
} from "./contracts/contractModel.js";

// Type drift guard: the TS models must say what the hub's C# DTOs say.
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..", "..");
const contractsDir = join(repo, "src", "Contracts");
const csFiles = readdirSync(contractsDir).filter((f) => f.endsWith(".cs"));
const csSources = csFiles.map((f) => readFileSync(join(contractsDir, f), "utf8"));
const tsSource = readFileSync(join(here, "..", "src", "models.ts"), "utf8");

// ImSignalR.Contracts name → the TS SDK's exported name, where they differ.
const csToTs: Record<string, string> = {
  ImMessage: "MessageDto",
  SendRequest: "SendC2CRequest",
  SendResult: "SendC2CResult",
  Conversation: "ConversationDto",
  MessageStatusUpdate: "MessageStatusEvent",
  TypingNotice: "TypingEvent",
  PresenceInfo: "PresenceDto",
  MessageRecall: "MessageRecalledEvent",
  GroupInfo: "GroupDto",
  GroupMember: "GroupMemberDto",
  GroupMembersPage: "GroupMembersResult",
  GroupReadReceipts: "GroupReadReceiptsResult",
  GroupReadNotice: "GroupReadEvent",
  GroupMembersQuery: "GetGroupMembersRequest",
};

describe("TS models match the hub's C# contracts", () => {
  const cs = renameShapes(parseCSharpClasses(csSources), csToTs);

  it("finds the C# DTOs (the parser still understands the C# files)", () => {
    expect(cs.size).toBeGreaterThanOrEqual(11);
    expect(cs.get("MessageDto")?.map((m) => m.name)).toContain("msgId");
    expect(cs.get("SyncResult")?.find((m) => m.name === "maxSeqByChat")?.type).toBe("Record<string, number>");
  });

  it("every DTO has a TS interface with the same members, types and nullability", () => {
    expect(compareShapes(cs, parseTsInterfaces(tsSource))).toEqual([]);
  });

  it("hub path, method and event names are the same", () => {
    const constants = parseCSharpConstants(readFileSync(join(contractsDir, "HubMethods.cs"), "utf8"));
    expect(HubMethods).toEqual(constants);
  });

  it("error codes and their retriability are the same", () => {
    const errorsDir = contractsDir;
    const enumNames = parseCSharpEnum(readFileSync(join(errorsDir, "ImErrorCode.cs"), "utf8"), "ImErrorCode");
    expect([...ServerErrorCodes].sort()).toEqual(enumNames.map(wireName).sort());
    const codes = readFileSync(join(errorsDir, "ImErrorCodes.cs"), "utf8");
    const body = /IsRetriable[^=]*=>([^;]*);/.exec(codes)?.[1] ?? "";
    const retriable = [...body.matchAll(/ImErrorCode\.(\w+)/g)].map((m) => wireName(m[1] ?? ""));
    expect(retriable.length).toBeGreaterThan(0);
    expect([...RetriableServerCodes].sort()).toEqual(retriable.sort());
  });

  it("the comparison catches a renamed member, a type change and a lost null", () => {
    const drifted = tsSource
      .replace("msgId: string;\n  clientMsgId: string;\n  chatId: string;\n  seq: number;", "msgId: string;\n  clientMsgID: string;\n  chatId: string;\n  seq: string;")
      .replace("lastMessage?: MessageDto | null;", "lastMessage: MessageDto;");
    expect(drifted).not.toBe(tsSource);
    const problems = compareShapes(cs, parseTsInterfaces(drifted));
    expect(problems).toEqual(
      expect.arrayContaining([
        "MessageDto.clientMsgId: missing in TS",
        "MessageDto.clientMsgID: not in the C# DTO",
        "MessageDto.seq: C# number, TS string",
        "ConversationDto.lastMessage: C# nullable, TS non-null",
      ]),
    );
  });
});

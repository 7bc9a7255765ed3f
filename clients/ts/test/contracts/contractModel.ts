import ts from "typescript";

/** A member of a contract type, reduced to what both languages can say. */
export interface Member {
  name: string;
  /** Normalised type: string, number, boolean, X[], Record<string, number>, or a DTO name. */
  type: string;
  /** May be null or absent. */
  nullable: boolean;
}

export type Shapes = Map<string, Member[]>;

const csScalar: Record<string, string> = {
  string: "string",
  int: "number",
  long: "number",
  double: "number",
  bool: "boolean",
};

function csType(raw: string): { type: string; nullable: boolean } {
  let t = raw.trim();
  const nullable = t.endsWith("?");
  if (nullable) t = t.slice(0, -1);
  const list = /^(?:IReadOnlyList|IList|List|IEnumerable|IReadOnlyCollection)<(.+)>$/.exec(t) ?? /^(.+)\[\]$/.exec(t);
  if (list?.[1] !== undefined) return { type: `${csType(list[1]).type}[]`, nullable };
  const dict = /^(?:IReadOnlyDictionary|IDictionary|Dictionary)<\s*string\s*,\s*(.+)>$/.exec(t);
  if (dict?.[1] !== undefined) return { type: `Record<string, ${csType(dict[1]).type}>`, nullable };
  return { type: csScalar[t] ?? t, nullable };
}

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Public properties of every `public sealed class` or `record` in C# sources (camelCased, as on the wire). */
export function parseCSharpClasses(sources: string[]): Shapes {
  const shapes: Shapes = new Map();
  for (const source of sources) {
    const classMatch = /public\s+sealed\s+(?:class|record)\s+(\w+)/.exec(source);
    if (classMatch?.[1] === undefined) continue;
    const members: Member[] = [];
    const prop = /public\s+(required\s+)?([\w<>,?\[\]\s]+?)\s+(\w+)\s*\{\s*get;\s*(?:init|set);\s*\}/g;
    for (const m of source.matchAll(prop)) {
      const { type, nullable } = csType(m[2] ?? "");
      members.push({ name: camel(m[3] ?? ""), type, nullable });
    }
    shapes.set(classMatch[1], members);
  }
  return shapes;
}

/**
 * The C# shapes under the TS SDK's names: the contracts took the .NET SDK's names (ImMessage, Conversation, …) and
 * the TS SDK keeps the names it has always exported, so both the type names and the DTO-typed members are mapped.
 */
export function renameShapes(shapes: Shapes, csToTs: Record<string, string>): Shapes {
  const rename = (type: string) => type.replace(/\w+/g, (word) => csToTs[word] ?? word);
  const out: Shapes = new Map();
  for (const [name, members] of shapes) {
    out.set(csToTs[name] ?? name, members.map((m) => ({ ...m, type: rename(m.type) })));
  }
  return out;
}

/** `public const string X = "…";` members of a C# static class. */
export function parseCSharpConstants(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/public\s+const\s+string\s+(\w+)\s*=\s*"([^"]*)"/g)) out[m[1] ?? ""] = m[2] ?? "";
  return out;
}

/** Members of a C# enum, in order. */
export function parseCSharpEnum(source: string, name: string): string[] {
  const body = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(source)?.[1] ?? "";
  return body
    .split(",")
    .map((s) => s.replace(/\/\/.*$/gm, "").split("=")[0]?.trim() ?? "")
    .filter((s) => s.length > 0);
}

/** `ContentTooLarge` → `IM_CONTENT_TOO_LARGE`, the wire rule of the C# `ImErrorCodes.ToWire`. */
export function wireName(code: string): string {
  return "IM_" + code.replace(/(?<!^)([A-Z])/g, "_$1").toUpperCase();
}

function tsType(node: ts.TypeNode, aliases: Map<string, string>): { type: string; nullable: boolean } {
  if (ts.isUnionTypeNode(node)) {
    let nullable = false;
    const parts: string[] = [];
    for (const t of node.types) {
      if (t.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword)) {
        nullable = true;
        continue;
      }
      parts.push(tsType(t, aliases).type);
    }
    const unique = [...new Set(parts)];
    return { type: unique.length === 1 ? (unique[0] ?? "?") : unique.join(" | "), nullable };
  }
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return { type: "string", nullable: false };
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return tsType(node.type, aliases);
  if (ts.isArrayTypeNode(node)) return { type: `${tsType(node.elementType, aliases).type}[]`, nullable: false };
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === "Record" && node.typeArguments?.length === 2) {
      return { type: `Record<string, ${tsType(node.typeArguments[1]!, aliases).type}>`, nullable: false };
    }
    return { type: aliases.get(name) ?? name, nullable: false };
  }
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string", nullable: false };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number", nullable: false };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean", nullable: false };
    default:
      return { type: node.getText(), nullable: false };
  }
}

/** Exported interfaces of a TS source; string-literal aliases (e.g. `AckStatus`) count as `string`. */
export function parseTsInterfaces(source: string): Shapes {
  const file = ts.createSourceFile("models.ts", source, ts.ScriptTarget.ES2022, true);
  const aliases = new Map<string, string>();
  for (const st of file.statements) {
    if (ts.isTypeAliasDeclaration(st)) aliases.set(st.name.text, tsType(st.type, aliases).type);
  }
  const shapes: Shapes = new Map();
  for (const st of file.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    const members: Member[] = [];
    for (const m of st.members) {
      if (!ts.isPropertySignature(m) || m.type === undefined) continue;
      const { type, nullable } = tsType(m.type, aliases);
      members.push({ name: m.name.getText(), type, nullable: nullable || m.questionToken !== undefined });
    }
    shapes.set(st.name.text, members);
  }
  return shapes;
}

/**
 * Differences between the C# DTOs and the TS interfaces. Names and types must match both ways. For
 * server-to-client types nullability must match exactly; for `…Request` types (client to server) the TS
 * side may be stricter (require what C# accepts as optional) but never looser.
 */
export function compareShapes(cs: Shapes, tsShapes: Shapes): string[] {
  const problems: string[] = [];
  for (const [name, csMembers] of cs) {
    const tsMembers = tsShapes.get(name);
    if (tsMembers === undefined) {
      problems.push(`${name}: no TS interface`);
      continue;
    }
    const request = name.endsWith("Request");
    for (const c of csMembers) {
      const t = tsMembers.find((m) => m.name === c.name);
      if (t === undefined) {
        problems.push(`${name}.${c.name}: missing in TS`);
        continue;
      }
      if (t.type !== c.type) problems.push(`${name}.${c.name}: C# ${c.type}, TS ${t.type}`);
      if (request) {
        if (!c.nullable && t.nullable) problems.push(`${name}.${c.name}: required by the hub, optional in TS`);
      } else if (c.nullable !== t.nullable) {
        problems.push(`${name}.${c.name}: C# ${c.nullable ? "nullable" : "non-null"}, TS ${t.nullable ? "nullable" : "non-null"}`);
      }
    }
    for (const t of tsMembers) {
      if (!csMembers.some((c) => c.name === t.name)) problems.push(`${name}.${t.name}: not in the C# DTO`);
    }
  }
  return problems;
}

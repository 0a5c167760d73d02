/**
 * Two things json-schema-to-typescript writes that a person would not, taken
 * out of its unformatted output before prettier lays it out:
 *
 * - parentheses around a union inside a union (`("a" | "b") | null`, from an
 *   `enum` next to `type: [..., "null"]`): a union of unions is flat;
 * - `| undefined` on an index signature (`strictIndexSignatures`) whose type
 *   has no optional property: strict mode needs it only beside optional
 *   properties, whose values may be `undefined`. An interface that extends
 *   another keeps it, since the inherited members are not in view here.
 *
 * Edits are made on the text, from the end backwards, at positions from one
 * TypeScript parse, so everything else stays byte for byte as written.
 */
import type { ts as tsTypes } from "ts-morph";
import { ts } from "../tsMorph.js";

type Node = tsTypes.Node;

interface Edit {
  start: number;
  end: number;
  text: string;
}

function hasOptionalProperty(members: tsTypes.NodeArray<tsTypes.TypeElement>): boolean {
  return members.some((member) => ts.isPropertySignature(member) && member.questionToken !== undefined);
}

/** The edit removing `| undefined` from `signature`'s union type, if that is what it has. */
function undefinedRemoval(signature: tsTypes.IndexSignatureDeclaration): Edit | null {
  const type = signature.type;
  if (!ts.isUnionTypeNode(type) || type.types.length < 2) return null;
  const index = type.types.findIndex((member) => member.kind === ts.SyntaxKind.UndefinedKeyword);
  if (index === -1) return null;
  // From the end of the member before it (or, when first, from its start to the next member's start).
  if (index > 0) return { start: type.types[index - 1]!.end, end: type.types[index]!.end, text: "" };
  return { start: type.types[0]!.getStart(), end: type.types[1]!.getStart(), text: "" };
}

export function tidyPayloadTypes(code: string): string {
  const source = ts.createSourceFile("types.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const visit = (node: Node): void => {
    if (ts.isParenthesizedTypeNode(node) && ts.isUnionTypeNode(node.type) && ts.isUnionTypeNode(node.parent)) {
      edits.push({ start: node.getStart(source), end: node.type.getStart(source), text: "" });
      edits.push({ start: node.type.end, end: node.end, text: "" });
    }
    const inExtendingInterface = ts.isInterfaceDeclaration(node) && (node.heritageClauses?.length ?? 0) > 0;
    if ((ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) && !inExtendingInterface) {
      if (!hasOptionalProperty(node.members)) {
        for (const member of node.members) {
          const edit = ts.isIndexSignatureDeclaration(member) ? undefinedRemoval(member) : null;
          if (edit !== null) edits.push(edit);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  edits.sort((a, b) => b.start - a.start);
  let text = code;
  for (const edit of edits) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/** Compiler errors as the type tests compare them, from TypeScript's compiler API. */
import type ts from "typescript";

/**
 * One compiler error: where it starts, and its message chain, the head first
 * and then each elaboration (`Argument of type … is not assignable`, then
 * `Property 'subject' is missing …`). `tsc`'s output gives the head's code
 * only.
 */
export interface FoundError {
  file: string;
  line: number;
  chain: { code: number | undefined; message: string }[];
}

/** A diagnostic's messages, depth first, each with its code. */
export function messageChain(diagnostic: ts.Diagnostic): FoundError["chain"] {
  if (typeof diagnostic.messageText === "string") return [{ code: diagnostic.code, message: diagnostic.messageText }];
  const chain: FoundError["chain"] = [];
  const visit = (node: ts.DiagnosticMessageChain) => {
    chain.push({ code: node.code, message: node.messageText });
    for (const next of node.next ?? []) visit(next);
  };
  visit(diagnostic.messageText);
  return chain;
}

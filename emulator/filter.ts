// A small OData $filter parser and evaluator: the subset Graph clients use against Intune and
// directory collections (eq/ne/comparisons, and/or/not, parentheses, isof, startswith/endswith/contains,
// and `any` lambdas over collections). Anything else is rejected the way Graph rejects it: 400.
import { GraphErrorFactory } from "./errors";

/** A parsed `$filter` expression. */
export type FilterNode =
  | { readonly kind: "and" | "or"; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: "not"; readonly operand: FilterNode }
  | { readonly kind: "compare"; readonly op: CompareOperator; readonly property: string; readonly value: FilterLiteral }
  | { readonly kind: "isof"; readonly type: string }
  | { readonly kind: "function"; readonly name: "startswith" | "endswith" | "contains"; readonly property: string; readonly value: string }
  | { readonly kind: "any"; readonly property: string; readonly variable: string; readonly predicate: FilterNode };

export type CompareOperator = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type FilterLiteral = string | number | boolean | null;

type Token =
  | { t: "ident"; v: string }
  | { t: "string"; v: string }
  | { t: "number"; v: number }
  | { t: "punct"; v: "(" | ")" | "," | ":" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated string literal");
        if (text[i] === "'") {
          // OData escapes a quote inside a literal by doubling it.
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      tokens.push({ t: "string", v });
    } else if ("(),:".includes(c)) {
      tokens.push({ t: "punct", v: c as "(" | ")" | "," | ":" });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new Error(`unexpected '${c}' at position ${i}`);
      tokens.push({ t: "number", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_@$]/.test(c)) {
      const m = /^[A-Za-z_@$][A-Za-z0-9_.@$/]*/.exec(text.slice(i))!;
      tokens.push({ t: "ident", v: m[0] });
      i += m[0].length;
    } else {
      throw new Error(`unexpected '${c}' at position ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw new Error(`unexpected '${this.describe(this.tokens[this.pos])}'`);
    return node;
  }

  private describe(t: Token | undefined): string {
    return t === undefined ? "end of input" : String(t.v);
  }
  private peekIdent(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.t === "ident" && t.v.toLowerCase() === word;
  }
  private expectPunct(p: string): void {
    const t = this.tokens[this.pos++];
    if (t?.t !== "punct" || t.v !== p) throw new Error(`expected '${p}' but found '${this.describe(t)}'`);
  }
  private ident(): string {
    const t = this.tokens[this.pos++];
    if (t?.t !== "ident") throw new Error(`expected a property name but found '${this.describe(t)}'`);
    return t.v;
  }
  private literal(): FilterLiteral {
    const t = this.tokens[this.pos++];
    if (t?.t === "string" || t?.t === "number") return t.v;
    if (t?.t === "ident" && ["true", "false", "null"].includes(t.v)) return t.v === "null" ? null : t.v === "true";
    throw new Error(`expected a literal but found '${this.describe(t)}'`);
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.peekIdent("or")) {
      this.pos++;
      left = { kind: "or", left, right: this.and() };
    }
    return left;
  }
  private and(): FilterNode {
    let left = this.unary();
    while (this.peekIdent("and")) {
      this.pos++;
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }
  private unary(): FilterNode {
    if (this.peekIdent("not")) {
      this.pos++;
      return { kind: "not", operand: this.unary() };
    }
    return this.primary();
  }
  private primary(): FilterNode {
    const t = this.tokens[this.pos];
    if (t?.t === "punct" && t.v === "(") {
      this.pos++;
      const inner = this.or();
      this.expectPunct(")");
      return inner;
    }
    const name = this.ident();
    const next = this.tokens[this.pos];
    // `collection/any(x: predicate)`: the tokenizer keeps `collection/any` as one identifier.
    const lambda = /^(.+)\/any$/i.exec(name);
    if (lambda) {
      this.expectPunct("(");
      const variable = this.ident();
      this.expectPunct(":");
      const predicate = this.or();
      this.expectPunct(")");
      return { kind: "any", property: lambda[1], variable, predicate };
    }
    const lower = name.toLowerCase();
    if (next?.t === "punct" && next.v === "(") {
      this.pos++;
      if (lower === "isof") {
        const type = this.literal();
        if (typeof type !== "string") throw new Error("isof expects a quoted type name");
        this.expectPunct(")");
        return { kind: "isof", type: type.replace(/^#/, "") };
      }
      if (lower === "startswith" || lower === "endswith" || lower === "contains") {
        const property = this.ident();
        this.expectPunct(",");
        const value = this.literal();
        if (typeof value !== "string") throw new Error(`${lower} expects a string literal`);
        this.expectPunct(")");
        return { kind: "function", name: lower, property, value };
      }
      throw new Error(`unsupported function '${name}'`);
    }
    const op = this.ident().toLowerCase();
    if (!["eq", "ne", "gt", "ge", "lt", "le"].includes(op)) throw new Error(`unsupported operator '${op}'`);
    return { kind: "compare", op: op as CompareOperator, property: name, value: this.literal() };
  }
}

/** Parses `$filter` text; a syntax error becomes Graph's 400. */
export function parseFilter(text: string): FilterNode {
  try {
    return new Parser(tokenize(text)).parse();
  } catch (e) {
    throw GraphErrorFactory.invalidFilter(text, (e as Error).message);
  }
}

/** Top-level property names a filter reads (for checking them against the type). */
export function filterProperties(node: FilterNode, bound: ReadonlySet<string> = new Set()): string[] {
  switch (node.kind) {
    case "and":
    case "or":
      return [...filterProperties(node.left, bound), ...filterProperties(node.right, bound)];
    case "not":
      return filterProperties(node.operand, bound);
    case "isof":
      return [];
    case "any":
      return [node.property.split("/")[0], ...filterProperties(node.predicate, new Set([...bound, node.variable]))];
    default: {
      const head = node.property.split("/")[0];
      return bound.has(head) ? [] : [head];
    }
  }
}

/** How the evaluator learns an item's type (for `isof`). */
export type IsOfFunction = (item: Record<string, unknown>, qualifiedType: string) => boolean;

function resolve(item: Record<string, unknown>, path: string, scope: Readonly<Record<string, unknown>>): unknown {
  const [head, ...rest] = path.split("/");
  let value: unknown = head in scope ? scope[head] : item[head];
  for (const part of rest) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function compare(op: CompareOperator, actual: unknown, expected: FilterLiteral): boolean {
  // Directory and Intune string comparisons are case-insensitive.
  const a = typeof actual === "string" ? actual.toLowerCase() : actual;
  const b = typeof expected === "string" ? expected.toLowerCase() : expected;
  switch (op) {
    case "eq":
      return (a ?? null) === b;
    case "ne":
      return (a ?? null) !== b;
    default: {
      if (a === null || a === undefined || b === null) return false;
      const x = a as string | number;
      const y = b as string | number;
      return op === "gt" ? x > y : op === "ge" ? x >= y : op === "lt" ? x < y : x <= y;
    }
  }
}

/** Whether `item` matches `node`. */
export function evaluateFilter(node: FilterNode, item: Record<string, unknown>, isOf: IsOfFunction, scope: Readonly<Record<string, unknown>> = {}): boolean {
  switch (node.kind) {
    case "and":
      return evaluateFilter(node.left, item, isOf, scope) && evaluateFilter(node.right, item, isOf, scope);
    case "or":
      return evaluateFilter(node.left, item, isOf, scope) || evaluateFilter(node.right, item, isOf, scope);
    case "not":
      return !evaluateFilter(node.operand, item, isOf, scope);
    case "isof":
      return isOf(item, node.type);
    case "compare":
      return compare(node.op, resolve(item, node.property, scope), node.value);
    case "function": {
      const v = resolve(item, node.property, scope);
      if (typeof v !== "string") return false;
      const hay = v.toLowerCase();
      const needle = node.value.toLowerCase();
      return node.name === "startswith" ? hay.startsWith(needle) : node.name === "endswith" ? hay.endsWith(needle) : hay.includes(needle);
    }
    case "any": {
      const collection = resolve(item, node.property, scope);
      if (!Array.isArray(collection)) return false;
      return collection.some((element) => evaluateFilter(node.predicate, item, isOf, { ...scope, [node.variable]: element }));
    }
  }
}

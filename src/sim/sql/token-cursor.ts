// The token cursor every parsing function works on: look-ahead, keyword and operator
// matching, identifiers (with Doris' reserved-word rule), literals and the small shared
// constructs (identifier lists, PROPERTIES, qualified names).
import type { Properties, Span, TableName } from './ast.js';
import { syntaxError, tokenize, type Token } from './lexer.js';
import { RESERVED_WORDS } from './reserved-words.js';
import type { SqlError } from '../sql-error.js';

export class TokenCursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(readonly sql: string) {
    this.tokens = tokenize(sql);
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  /** Index of the next token, for back-tracking with `reset`. */
  mark(): number {
    return this.index;
  }

  reset(mark: number): void {
    this.index = mark;
  }

  atEnd(): boolean {
    return this.peek().type === 'eof';
  }

  /** End offset of the last consumed token (for spans). */
  lastEnd(): number {
    return this.index === 0 ? 0 : (this.tokens[this.index - 1] as Token).end;
  }

  spanFrom(start: number): Span {
    return { start, end: this.lastEnd() };
  }

  /** True when the token `ahead` is the unquoted keyword `word` (case-insensitive). */
  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'word' && t.upper === word;
  }

  /** True when the next tokens are the unquoted keywords `words`, in order. */
  isWords(...words: string[]): boolean {
    return words.every((w, i) => this.isWord(w, i));
  }

  /** Consumes the keyword sequence `words` if it is next; returns whether it did. */
  acceptWords(...words: string[]): boolean {
    if (!this.isWords(...words)) return false;
    for (let i = 0; i < words.length; i++) this.next();
    return true;
  }

  expectWords(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) throw this.error(w);
      this.next();
    }
  }

  /** Consumes and returns whichever of `words` comes next, or undefined. */
  acceptOneOf<W extends string>(...words: W[]): W | undefined {
    const found = words.find((w) => this.isWord(w));
    if (found !== undefined) this.next();
    return found;
  }

  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === op;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(`'${op}'`);
  }

  /** True when the token `ahead` can be an identifier (back-quoted, or an unreserved word). */
  isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'qident' || (t.type === 'word' && !RESERVED_WORDS.has(t.upper));
  }

  identifier(): string {
    if (!this.isIdentifier()) throw this.error('an identifier');
    return this.next().text;
  }

  /** An identifier, or a string literal where Doris accepts `identifierOrText`. */
  identifierOrString(): string {
    if (this.peek().type === 'string') return this.next().text;
    return this.identifier();
  }

  /** `a[.b[.c]]` as its parts. */
  multipartName(): string[] {
    const parts = [this.identifier()];
    while (this.isOp('.') && this.isIdentifier(1)) {
      this.next();
      parts.push(this.identifier());
    }
    return parts;
  }

  /** `[catalog.][db.]name`. */
  tableName(): TableName & { span: Span } {
    const start = this.peek().start;
    const parts = this.multipartName();
    if (parts.length > 3) throw syntaxError(this.sql, start, parts.join('.'), 'a table name');
    const name = parts[parts.length - 1] as string;
    const span = this.spanFrom(start);
    if (parts.length === 3) return { catalog: parts[0], db: parts[1], name, span };
    if (parts.length === 2) return { db: parts[0], name, span };
    return { name, span };
  }

  /** `(a, b, c)`. */
  identifierList(): string[] {
    this.expectOp('(');
    const names = [this.identifier()];
    while (this.acceptOp(',')) names.push(this.identifier());
    this.expectOp(')');
    return names;
  }

  stringLiteral(): string {
    const t = this.peek();
    if (t.type !== 'string') throw this.error('a string literal');
    this.next();
    return t.text;
  }

  /** A non-negative integer literal as bigint. */
  integerLiteral(): bigint {
    const t = this.peek();
    if (t.type !== 'number' || t.numberKind !== 'integer') throw this.error('an integer');
    this.next();
    return BigInt(t.text);
  }

  /** A small non-negative integer (bucket counts, limits, precisions). */
  smallInteger(): number {
    const start = this.peek();
    const n = this.integerLiteral();
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw syntaxError(this.sql, start.start, start.text, 'a smaller integer');
    return Number(n);
  }

  /** `("k" = "v", …)` with lower-cased keys; keys and values may be strings or identifiers. */
  propertyList(): Properties {
    this.expectOp('(');
    const props: Properties = {};
    if (this.acceptOp(')')) return props;
    do {
      const key = this.propertyItem();
      this.expectOp('=');
      props[key.toLowerCase()] = this.propertyItem();
    } while (this.acceptOp(','));
    this.expectOp(')');
    return props;
  }

  /** `PROPERTIES (…)` when present, else `{}`. */
  optionalProperties(): Properties {
    return this.acceptWords('PROPERTIES') ? this.propertyList() : {};
  }

  private propertyItem(): string {
    const t = this.peek();
    if (t.type === 'string' || t.type === 'number') {
      this.next();
      return t.text;
    }
    return this.identifier();
  }

  /** A syntax error at the next token, naming what was expected. */
  error(expected?: string, token: Token = this.peek()): SqlError {
    const near = token.type === 'eof' ? '<EOF>' : this.sql.slice(token.start, token.end);
    return syntaxError(this.sql, token.start, near, expected);
  }
}

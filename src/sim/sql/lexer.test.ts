import { describe, expect, it } from 'vitest';
import { SqlError } from '../sql-error.js';
import { tokenize } from './lexer.js';

function kinds(sql: string): string[] {
  return tokenize(sql).map((t) => `${t.type}:${t.text}`);
}

describe('tokenize', () => {
  it('splits words, back-quoted identifiers, strings, numbers and operators', () => {
    expect(kinds("SELECT `a``b`, 'x', 12, 1.5, 2e3 FROM t WHERE a <=> b")).toEqual([
      'word:SELECT',
      'qident:a`b',
      'op:,',
      'string:x',
      'op:,',
      'number:12',
      'op:,',
      'number:1.5',
      'op:,',
      'number:2e3',
      'word:FROM',
      'word:t',
      'word:WHERE',
      'word:a',
      'op:<=>',
      'word:b',
      'eof:',
    ]);
  });

  it('unescapes MySQL backslash escapes and doubled quotes in both quote styles', () => {
    const [a, b, c] = tokenize(`'it\\'s' "say ""hi""\\n" 'a\\\\b\\%'`);
    expect(a?.text).toBe("it's");
    expect(b?.text).toBe('say "hi"\n');
    // \% keeps its backslash so that LIKE still sees an escaped wildcard.
    expect(c?.text).toBe('a\\b\\%');
  });

  it('skips --, # and nested /* */ comments', () => {
    expect(kinds('SELECT /* a /* nested */ b */ 1 -- tail\n, 2 # mysql comment\n')).toEqual(['word:SELECT', 'number:1', 'op:,', 'number:2', 'eof:']);
  });

  it('reads identifiers that start with digits or contain $ as words, and keeps t.1c qualified', () => {
    expect(kinds('1abc $x t.1c')).toEqual(['word:1abc', 'word:$x', 'word:t', 'op:.', 'word:1c', 'eof:']);
  });

  it('classifies number kinds and records offsets', () => {
    const [i, d, e] = tokenize('7 .5 1E-2');
    expect([i?.numberKind, d?.numberKind, e?.numberKind]).toEqual(['integer', 'decimal', 'double']);
    expect([e?.start, e?.end]).toEqual([5, 9]);
  });

  it('accepts raw strings R"…" without escapes', () => {
    expect(tokenize(String.raw`R"a\d+"`)[0]?.text).toBe(String.raw`a\d+`);
  });

  it.each([
    ["SELECT 'unterminated", 7],
    ['SELECT `open', 7],
    ['SELECT /* never closed', 7],
    ['SELECT 1 \u0001', 9],
  ])('rejects %j with 1064 at offset %i', (sql, pos) => {
    let caught: unknown;
    try {
      tokenize(sql);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SqlError);
    expect((caught as SqlError).errno).toBe(1064);
    expect((caught as SqlError).sqlState).toBe('42000');
    expect((caught as SqlError).message).toContain(`(line 1, pos ${pos})`);
  });
});

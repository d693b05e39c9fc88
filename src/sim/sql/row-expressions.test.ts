import { describe, expect, it } from 'vitest';
import type { PredicateCompiler } from '../model/context.js';
import type { ColumnType } from '../model/schema.js';
import { SqlError } from '../sql-error.js';
import { parseOne } from './parser.js';
import { compilePredicate, compileRowExpression, evaluateConstant, parseExpression } from './row-expressions.js';

const COLUMNS: { name: string; type: ColumnType }[] = [
  { name: 'k', type: { name: 'INT' } },
  { name: 'dt', type: { name: 'DATE' } },
  { name: 'v', type: { name: 'VARCHAR', length: 10 } },
];

describe('compilePredicate', () => {
  it('tests rows with SQL semantics, from text or from an AST', () => {
    const pred = compilePredicate("k > 1 AND dt < '2024-02-01'", COLUMNS);
    expect(pred([2, '2024-01-15', 'a'])).toBe(true);
    expect(pred([1, '2024-01-15', 'a'])).toBe(false);
    // NULL rejects, like FALSE.
    expect(pred([2, null, 'a'])).toBe(false);
    const del = parseOne("DELETE FROM t WHERE v IN ('a', 'b') OR k IS NULL");
    if (del.kind !== 'delete' || del.where === undefined) throw new Error('unexpected');
    const p2 = compilePredicate(del.where, COLUMNS);
    expect([p2([1, null, 'b']), p2([null, null, 'z']), p2([1, null, 'z'])]).toEqual([true, true, false]);
  });

  it('is the model\'s PredicateCompiler (DELETE conditions stored as text)', () => {
    const compiler: PredicateCompiler = compilePredicate;
    const test = compiler('k <= 2', [{ name: 'k', type: { name: 'INT' }, nullable: true, isKey: true, comment: '' }]);
    expect([test([1]), test([3])]).toEqual([true, false]);
  });

  it('resolves column names case-insensitively and reports unknown ones', () => {
    expect(compilePredicate('K = 3', COLUMNS)([3, null, null])).toBe(true);
    expect(() => compilePredicate('nope = 1', COLUMNS)).toThrow(SqlError);
  });
});

describe('compileRowExpression and evaluateConstant', () => {
  it('evaluates UPDATE SET values over a row', () => {
    const e = compileRowExpression("concat(v, '-', k + 1)", COLUMNS);
    expect(e.type.name).toBe('VARCHAR');
    expect(e.evaluate([41, null, 'x'])).toBe('x-42');
  });

  it('evaluates INSERT VALUES items with their static types', () => {
    expect(evaluateConstant(parseExpression('1 + 2'))).toEqual({ type: { name: 'BIGINT' }, value: 3n });
    expect(evaluateConstant(parseExpression("'2024-01-01'"))).toEqual({ type: { name: 'VARCHAR', length: 10 }, value: '2024-01-01' });
    expect(evaluateConstant(parseExpression('-1.50'))).toMatchObject({ value: '-1.50' });
    expect(evaluateConstant(parseExpression('NOW()'), { now: new Date(2024, 0, 2, 3, 4, 5) }).value).toBe('2024-01-02 03:04:05');
  });

  it('rejects trailing garbage in expression text', () => {
    expect(() => parseExpression('1 + 1 extra')).toThrow(/mismatched input 'extra'/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  infinityKey,
  itemContains,
  listItemSql,
  makeListKey,
  makeRangeKey,
  partitionItemString,
  partitionKeyToSql,
  partitionKeyToString,
  rowKey,
  type KeyColumn,
  type PartitionItem,
} from './partition-key.js';

const INT: KeyColumn = { name: 'k1', type: { name: 'INT' } };
const BIGINT: KeyColumn = { name: 'k2', type: { name: 'BIGINT' } };
const DATE: KeyColumn = { name: 'd', type: { name: 'DATE' } };
const DATETIME: KeyColumn = { name: 'dt', type: { name: 'DATETIME', scale: 3 } };
const VARCHAR: KeyColumn = { name: 'city', type: { name: 'VARCHAR', length: 20 } };

describe('range strings (PartitionKey.toString / Range.toString)', () => {
  it('prints an INT range with the MIN lower bound of a LESS THAN partition', () => {
    const item: PartitionItem = { kind: 'RANGE', lower: infinityKey([INT], false), upper: makeRangeKey([10], [INT]) };
    expect(partitionItemString(item)).toBe('[types: [INT]; keys: [-2147483648]; ..types: [INT]; keys: [10]; )');
  });

  it('prints DATE columns as DATEV2 with the date text and 0000-01-01 as MIN', () => {
    const item: PartitionItem = {
      kind: 'RANGE',
      lower: makeRangeKey(['2024-05-01'], [DATE]),
      upper: makeRangeKey(['2024-06-01'], [DATE]),
    };
    expect(partitionItemString(item)).toBe('[types: [DATEV2]; keys: [2024-05-01]; ..types: [DATEV2]; keys: [2024-06-01]; )');
    expect(partitionKeyToString(infinityKey([DATE], false))).toBe('types: [DATEV2]; keys: [0000-01-01]; ');
  });

  it('prints DATETIME keys without a zero fraction, as DateLiteral.getStringValue does', () => {
    expect(partitionKeyToString(makeRangeKey(['2024-05-01 10:00:00'], [DATETIME]))).toBe(
      'types: [DATETIMEV2]; keys: [2024-05-01 10:00:00]; ',
    );
    expect(partitionKeyToString(makeRangeKey(['2024-05-01 10:00:00.25'], [DATETIME]))).toBe(
      'types: [DATETIMEV2]; keys: [2024-05-01 10:00:00.250]; ',
    );
  });

  it('fills missing trailing values of a multi-column key with MIN and joins with ", "', () => {
    const upper = makeRangeKey([10], [INT, BIGINT]);
    expect(partitionKeyToString(upper)).toBe('types: [INT, BIGINT]; keys: [10, -9223372036854775808]; ');
  });

  it('prints MAXVALUE for a VALUES LESS THAN MAXVALUE upper bound', () => {
    const item: PartitionItem = { kind: 'RANGE', lower: makeRangeKey([20], [INT]), upper: infinityKey([INT], true) };
    expect(partitionItemString(item)).toBe('[types: [INT]; keys: [20]; ..types: [INT]; keys: [MAXVALUE]; )');
  });

  it('prints LIST items as a Java list of keys, and the DEFAULT key specially', () => {
    const item: PartitionItem = { kind: 'LIST', keys: [makeListKey(['beijing'], [VARCHAR]), makeListKey(['shanghai'], [VARCHAR])] };
    expect(partitionItemString(item)).toBe('[types: [VARCHAR]; keys: [beijing]; , types: [VARCHAR]; keys: [shanghai]; ]');
    const multi: PartitionItem = { kind: 'LIST', keys: [makeListKey([1, 'x'], [INT, VARCHAR])] };
    expect(partitionItemString(multi)).toBe('[types: [INT, VARCHAR]; keys: [1, x]; ]');
    const dflt: PartitionItem = { kind: 'LIST', keys: [makeListKey([], [VARCHAR])] };
    expect(partitionItemString(dflt)).toBe('[types: [VARCHAR]; keys: [default key]; ]');
  });

  it('is empty for unpartitioned tables', () => {
    expect(partitionItemString(undefined)).toBe('');
  });
});

describe('PartitionKey.toSql', () => {
  it('quotes numbers with double quotes and dates with single quotes', () => {
    expect(partitionKeyToSql(makeRangeKey([10, 20], [INT, BIGINT]))).toBe('("10", "20")');
    expect(partitionKeyToSql(makeRangeKey(['2024-06-01'], [DATE]))).toBe("('2024-06-01')");
    expect(partitionKeyToSql(infinityKey([INT], true))).toBe('(MAXVALUE)');
  });

  it('reproduces the missing separator after MAXVALUE of multi-column keys', () => {
    expect(partitionKeyToSql(infinityKey([INT, BIGINT], true))).toBe('(MAXVALUEMAXVALUE)');
  });

  it('prints list items as ListPartitionItem.toSql', () => {
    expect(listItemSql({ keys: [makeListKey(['a'], [VARCHAR])] })).toBe('("a")');
    expect(listItemSql({ keys: [makeListKey(['a'], [VARCHAR]), makeListKey(['b'], [VARCHAR])] })).toBe('(("a"),("b"))');
    // One value of a two-column list prints without its own parentheses, as Doris does.
    expect(listItemSql({ keys: [makeListKey(['a', 1], [VARCHAR, INT])] })).toBe('("a", "1")');
  });

  it('rejects list values whose size is not the partition column count', () => {
    expect(() => makeListKey(['a'], [VARCHAR, INT])).toThrow('partition key desc list size[1] is not equal to partition column size[2]');
    expect(() => makeListKey(['a', 1, 2], [VARCHAR, INT])).toThrow('partition key desc list size[3] is not equal to partition column size[2]');
  });
});

describe('key comparison and routing', () => {
  it('orders MAXVALUE above everything and compares element-wise', () => {
    expect(compareKeys(makeRangeKey([5], [INT]), infinityKey([INT], true))).toBeLessThan(0);
    expect(compareKeys(makeRangeKey([5, 1n], [INT, BIGINT]), makeRangeKey([5, 2n], [INT, BIGINT]))).toBeLessThan(0);
  });

  it('routes a row to [lower, upper) and to list values', () => {
    const range: PartitionItem = { kind: 'RANGE', lower: makeRangeKey([10], [INT]), upper: makeRangeKey([20], [INT]) };
    expect(itemContains(range, rowKey([10], ['INT']))).toBe(true);
    expect(itemContains(range, rowKey([19], ['INT']))).toBe(true);
    expect(itemContains(range, rowKey([20], ['INT']))).toBe(false);
    const list: PartitionItem = { kind: 'LIST', keys: [makeListKey(['a'], [VARCHAR])] };
    expect(itemContains(list, rowKey(['a'], ['VARCHAR']))).toBe(true);
    expect(itemContains(list, rowKey(['b'], ['VARCHAR']))).toBe(false);
  });

  it('rejects values that do not fit the column type', () => {
    expect(() => makeRangeKey(['abc'], [INT])).toThrow(/Invalid range value format/);
  });
});

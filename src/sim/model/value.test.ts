import { describe, expect, it } from 'vitest';
import { coerceValue, compareValues, formatValue, keyOf, ValueError } from './value.js';

describe('coerceValue', () => {
  it('maps integers to number or bigint by type and checks ranges', () => {
    expect(coerceValue('42', { name: 'INT' })).toBe(42);
    expect(coerceValue(7, { name: 'BIGINT' })).toBe(7n);
    expect(coerceValue('170141183460469231731687303715884105727', { name: 'LARGEINT' })).toBe(2n ** 127n - 1n);
    expect(() => coerceValue(128, { name: 'TINYINT' })).toThrow(ValueError);
    expect(() => coerceValue('abc', { name: 'INT' })).toThrow(/invalid INT value/);
  });

  it('normalises decimals to their scale with half-up rounding', () => {
    expect(coerceValue('1.005', { name: 'DECIMAL', precision: 10, scale: 2 })).toBe('1.01');
    expect(coerceValue(3, { name: 'DECIMAL', precision: 10, scale: 2 })).toBe('3.00');
    expect(coerceValue('-0.5', { name: 'DECIMAL', precision: 5, scale: 0 })).toBe('-1');
    expect(() => coerceValue('12345', { name: 'DECIMAL', precision: 4, scale: 0 })).toThrow(/out of range/);
  });

  it('normalises dates and datetimes and rejects impossible ones', () => {
    expect(coerceValue('2024-5-1', { name: 'DATE' })).toBe('2024-05-01');
    expect(coerceValue('2024-05-01 7:08:09', { name: 'DATETIME' })).toBe('2024-05-01 07:08:09');
    expect(coerceValue('2024-05-01 07:08:09.5', { name: 'DATETIME', scale: 3 })).toBe('2024-05-01 07:08:09.500');
    expect(() => coerceValue('2024-02-30', { name: 'DATE' })).toThrow(ValueError);
    // Doris' range starts at year 0 (printed as the lower bound of LESS THAN date partitions).
    expect(coerceValue('0000-01-01', { name: 'DATE' })).toBe('0000-01-01');
    expect(coerceValue('0099-12-31 23:59:59', { name: 'DATETIME' })).toBe('0099-12-31 23:59:59');
    expect(coerceValue('0000-02-29', { name: 'DATE' })).toBe('0000-02-29');
    expect(() => coerceValue('0001-02-29', { name: 'DATE' })).toThrow(ValueError);
  });

  it('checks varchar byte length', () => {
    expect(() => coerceValue('abcd', { name: 'VARCHAR', length: 3 })).toThrow(/too long/);
  });
});

describe('compareValues / formatValue / keyOf', () => {
  it('orders nulls first, numbers numerically and decimals exactly', () => {
    const vals = ['10.50', null, '9.99', '-1.00'];
    expect([...vals].sort(compareValues)).toEqual([null, '-1.00', '9.99', '10.50']);
    expect(compareValues(2n, 10)).toBeLessThan(0);
    expect(compareValues('b', 'a')).toBeGreaterThan(0);
  });

  it('formats for the text protocol and builds distinct keys', () => {
    expect(formatValue(12n)).toBe('12');
    expect(formatValue(null)).toBeNull();
    expect(keyOf([1, 'a'])).not.toBe(keyOf(['1', 'a']));
    expect(keyOf([null])).not.toBe(keyOf(['']));
  });
});

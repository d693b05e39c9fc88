import { describe, expect, it } from 'vitest';
import { CcrError } from '../errors/ccr-error.js';
import { BinlogType } from '../doris/types.js';
import {
  parseRecord,
  upsertRecordSchema,
  renameRecordSchema,
  replaceTableRecordSchema,
  alterJobRecordSchema,
} from './records.js';

const at = (type: number) => ({ commitSeq: 20345n, type });

describe('binlog records', () => {
  it('parses an UPSERT with 64-bit ids exactly and ignores unknown keys', () => {
    const data =
      '{"commitSeq":20345,"txnId":9223372036854775807,"timeStamp":1716800000123,"label":"insert_4f",' +
      '"dbId":10010,"tableRecords":{"10020":{"partitionRecords":[{"partitionId":10019,' +
      '"range":"[types: [INT]; keys: [0]; ..types: [INT]; keys: [10]; )","version":5,"isTempPartition":false,"stid":-1}],' +
      '"indexIds":[10021]}},"futureKey":{"x":1}}';
    const r = parseRecord(upsertRecordSchema, data, at(BinlogType.UPSERT));
    expect(r.txnId).toBe(9223372036854775807n);
    expect(r.tableRecords['10020']?.partitionRecords[0]?.version).toBe(5n);
    expect(r.tableRecords['10020']?.indexIds).toEqual([10021n]);
  });

  it('fills Gson-omitted defaults for rename records', () => {
    const r = parseRecord(renameRecordSchema, '{"db":10010,"tb":10020,"nT":"t2","oT":"t1"}', at(BinlogType.RENAME_TABLE));
    expect(r).toMatchObject({ nT: 't2', oT: 't1', nP: '', oR: '' });
  });

  it('accepts the new table id in REPLACE_TABLE.newTblName', () => {
    const r = parseRecord(
      replaceTableRecordSchema,
      '{"dbId":1,"origTblId":2,"origTblName":"a","newTblName":3,"actualNewTblName":"b","swapTable":true}',
      at(BinlogType.REPLACE_TABLE),
    );
    expect(r.newTblName).toBe(3n);
  });

  it('reports the binlog and the field when a payload does not validate', () => {
    const bad = '{"type":"SCHEMA_CHANGE","dbId":1,"tableId":"x","tableName":"t","jobId":1,"jobState":"FINISHED"}';
    let err: unknown;
    try {
      parseRecord(alterJobRecordSchema, bad, at(BinlogType.ALTER_JOB));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CcrError);
    expect((err as CcrError).disposition).toBe('pause');
    expect((err as CcrError).message).toMatch(/binlog 20345 \(ALTER_JOB\).*"tableId"/);
  });

  it('rejects invalid JSON and a missing payload with a pause', () => {
    expect(() => parseRecord(upsertRecordSchema, '{', at(0))).toThrow(/invalid JSON/);
    expect(() => parseRecord(upsertRecordSchema, undefined, at(0))).toThrow(/no data payload/);
  });
});

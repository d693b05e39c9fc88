import { describe, expect, it } from 'vitest';
import { tableJobRequest } from '../../test/support/job-requests.js';
import type { CcrError } from '../errors/ccr-error.js';
import { stringifyJsonBig } from '../util/json-big.js';
import { JobErrorCode } from './job-errors.js';
import { decodeJobInfo, encodeJobInfo, newJobSpec, publicJobInfo } from './job-spec.js';
import { createPasswordCipher } from './password-cipher.js';

const plain = createPasswordCipher('');

// A job_info as the Go syncer (V25) writes it.
const GO_JOB_INFO =
  '{"name":"ccr_test","id":"7f0e","sync_type":0,' +
  '"src":{"host":"172.16.0.1","port":"9030","thrift_port":"9020","is_master":false,"frontends":[{"host":"172.16.0.1","port":"9030","thrift_port":"9020","is_master":true}],' +
  '"user":"root","password":"pw","cluster":"","database":"demo","db_id":1732000000000000123,"table":"","table_id":0,"host_mapping":{"172.16.0.1":"1.2.3.4"}},' +
  '"dest":{"host":"172.16.0.2","port":"9030","thrift_port":"9020","is_master":false,"frontends":null,"user":"root","password":"","cluster":"","database":"demo_copy","db_id":0,"table":"","table_id":0},' +
  '"state":1,"extra":{"reuse_binlog_label":true,"skip_binlog":true,"skip_by":"partialsync","skip_table":"t","skip_table_id":77,"DroppedIndexes":null}}';

describe('job_info codec', () => {
  it('reads a Go V25 job_info, keeping 64-bit ids exact', () => {
    const spec = decodeJobInfo(GO_JOB_INFO, plain, 'ccr_test');
    expect(spec).toMatchObject({
      name: 'ccr_test',
      id: '7f0e',
      kind: 'db',
      state: 'paused',
      options: { reuseBinlogLabel: true, skipError: false, allowTableExists: false, replicationNum: -1 },
      skip: { by: 'partialsync', table: 't', tableId: 77n },
    });
    expect(spec.src).toMatchObject({ port: 9030, thriftPort: 9020, dbId: 1_732_000_000_000_000_123n, hostMapping: { '172.16.0.1': '1.2.3.4' } });
    expect(spec.src.frontends).toEqual([{ host: '172.16.0.1', port: 9030, thriftPort: 9020, isMaster: true }]);
    expect(spec.dest.frontends).toEqual([]);
  });

  it('writes the Go keys (string ports, numeric state and sync_type) and round-trips', () => {
    const spec = { ...newJobSpec(tableJobRequest('j1')), skip: { by: 'silence' as const, commitSeq: 42n } };
    const text = encodeJobInfo(spec, plain);
    const obj = JSON.parse(text) as Record<string, unknown>;
    expect(obj).toMatchObject({ name: 'j1', sync_type: 1, state: 0, skip_error: false, kind: 'table' });
    expect(obj.src).toMatchObject({ port: '9030', thrift_port: '9020', table: 't1', db_id: 0, table_id: 0 });
    expect(obj.extra).toEqual({ skip_binlog: true, skip_by: 'silence', skip_commit_seq: 42 });
    expect(decodeJobInfo(text, plain, 'j1')).toEqual(spec);
  });

  it('computes the Go job id from name and specs', () => {
    const a = newJobSpec(tableJobRequest('j1'));
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(newJobSpec(tableJobRequest('j2')).id).not.toBe(a.id);
  });

  it('masks passwords for job_detail', () => {
    const shown = stringifyJsonBig(publicJobInfo(decodeJobInfo(GO_JOB_INFO, plain, 'ccr_test')));
    expect(shown).not.toContain('"pw"');
    expect(shown).toContain('"password":"******"');
    expect(shown).toContain('"password":""');
  });

  it('names the field when a stored job_info is broken', () => {
    const err = (() => {
      try {
        decodeJobInfo('{"name":"x","src":{"host":"h"}}', plain, 'x');
      } catch (e) {
        return e as CcrError;
      }
      throw new Error('expected an error');
    })();
    expect(err.code).toBe(JobErrorCode.CORRUPT_JOB_INFO);
    expect(err.message).toMatch(/^stored job_info of job x is invalid: src\.port/);
    expect(() => decodeJobInfo('not json', plain, 'x')).toThrow(/not JSON/);
  });

  it('validates create requests beyond types', () => {
    const req = tableJobRequest('j1');
    expect(() => newJobSpec({ ...req, dest: { ...req.dest, table: '' } })).toThrow(/^dest.table: set src.table and dest.table both/);
    expect(() => newJobSpec({ ...req, src: { ...req.src, table: '' } })).toThrow(/^src.table:/);
    expect(() => newJobSpec({ ...req, name: 'a b' })).toThrow(/^name:/);
    expect(() => newJobSpec({ ...req, options: { ...req.options, replicationNum: 0 } })).toThrow(/^replication_num:/);
    const db = newJobSpec({ ...req, src: { ...req.src, table: '' }, dest: { ...req.dest, table: '' } });
    expect(db.kind).toBe('db');
  });
});

describe('password cipher', () => {
  const keyed = createPasswordCipher('0123456789abcdef-secret');

  it('encrypts with a random IV and decrypts', () => {
    const a = keyed.seal('hunter2');
    expect(a).toMatch(/^enc:v1:/);
    expect(keyed.seal('hunter2')).not.toBe(a);
    expect(keyed.open(a, 'x')).toBe('hunter2');
    expect(keyed.seal('')).toBe('');
    expect(keyed.open('legacy-plaintext', 'x')).toBe('legacy-plaintext');
  });

  it('names the flag when the key is missing or wrong, without revealing anything', () => {
    const sealed = keyed.seal('hunter2');
    expect(() => plain.open(sealed, 'the password of job j src')).toThrow(/--secret_key/);
    const wrong = createPasswordCipher('another-key-0123456789');
    expect(() => wrong.open(sealed, 'the password of job j src')).toThrow(/cannot be decrypted.*--secret_key/);
    try {
      wrong.open(sealed, 'w');
    } catch (err) {
      expect((err as CcrError).code).toBe(JobErrorCode.PASSWORD_UNREADABLE);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

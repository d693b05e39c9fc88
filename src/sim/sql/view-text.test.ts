import { describe, expect, it } from 'vitest';
import { parseOne } from './parser.js';
import { qualifyTableNames } from './view-text.js';

function qualify(sql: string, db = 'src_db'): string {
  const s = parseOne(sql);
  if (s.kind !== 'createView') throw new Error('not a view');
  return qualifyTableNames(s, db);
}

describe('qualifyTableNames', () => {
  it('qualifies every table reference and keeps the rest of the text', () => {
    expect(qualify('CREATE VIEW v AS SELECT a.k, b.v FROM t1 a JOIN other_db.`t 2` b ON a.k = b.k WHERE a.k IN (SELECT k FROM t3)')).toBe(
      'SELECT a.k, b.v FROM `internal`.`src_db`.`t1` a JOIN `internal`.`other_db`.`t 2` b ON a.k = b.k WHERE a.k IN (SELECT k FROM `internal`.`src_db`.`t3`)',
    );
  });

  it('leaves already qualified names and table functions alone', () => {
    expect(qualify('CREATE VIEW v AS SELECT * FROM `internal`.`d`.`t` UNION ALL SELECT Host FROM frontends()')).toBe(
      'SELECT * FROM `internal`.`d`.`t` UNION ALL SELECT Host FROM frontends()',
    );
  });
});

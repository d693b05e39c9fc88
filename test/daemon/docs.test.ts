// The documentation covers what the code serves and accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { REPO_ROOT } from '../support/daemon-process.js';
import { httpHarness } from '../support/http-harness.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

describe('documentation', () => {
  it('doc/operations.md has a table row and a curl example for every endpoint', async () => {
    const h = await httpHarness();
    const routes = [...h.app.printRoutes({ commonPrefix: false }).matchAll(/(\/[a-z_]+) \(/g)].map((m) => m[1] ?? '');
    await h.close();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const doc = read('doc/operations.md');
    for (const route of new Set(routes)) {
      expect(doc, route).toContain(`| \`${route}\` |`);
      expect(doc, route).toMatch(new RegExp(`http://127\\.0\\.0\\.1:9190${route}\\b`));
    }
  });

  it('doc/configuration.md lists every flag with its environment variable', () => {
    const doc = read('doc/configuration.md');
    for (const opt of OPTIONS) expect(doc, opt.name).toContain(`| \`--${opt.name}\` | \`${opt.sensitive && opt.showDefault !== '""' ? '******' : opt.showDefault}\` | \`${opt.env}\` |`);
  });

  it('README quick start: the demo first, then the tests', () => {
    const quickStart = read('README.md').split('## Quick start')[1] ?? '';
    const commands = [...quickStart.matchAll(/```sh\n(.*)\n```/g)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
  });
});

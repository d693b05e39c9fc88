import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import { silentLogger } from '../observability/logger.js';
import { ExitCode } from './exit-codes.js';
import type { ExitCodeValue } from './exit-codes.js';
import { Lifecycle } from './lifecycle.js';
import { installShutdownHandlers } from './shutdown.js';

describe('Lifecycle', () => {
  it('starts in order and stops in reverse, once, even when a stop throws', async () => {
    const events: string[] = [];
    const lc = new Lifecycle(silentLogger());
    for (const name of ['store', 'jobs', 'http']) {
      lc.add({
        name,
        start: async () => void events.push(`start ${name}`),
        stop: async () => {
          events.push(`stop ${name}`);
          if (name === 'jobs') throw new Error('boom');
        },
      });
    }
    await lc.start();
    await Promise.all([lc.stop(), lc.stop()]);
    expect(events).toEqual(['start store', 'start jobs', 'start http', 'stop http', 'stop jobs', 'stop store']);
  });

  it('stops what started when a later start fails', async () => {
    const events: string[] = [];
    const lc = new Lifecycle(silentLogger());
    lc.add({ name: 'a', start: async () => void events.push('start a'), stop: async () => void events.push('stop a') });
    lc.add({ name: 'b', start: async () => Promise.reject(new Error('port in use')), stop: async () => void events.push('stop b') });
    lc.add({ name: 'c', start: async () => void events.push('start c') });
    await expect(lc.start()).rejects.toThrow('port in use');
    expect(events).toEqual(['start a', 'stop a']);
  });
});

describe('shutdown handlers', () => {
  function setup(stop: () => Promise<void>, graceMs = 1000) {
    const signals = new EventEmitter();
    const exits: ExitCodeValue[] = [];
    const handle = installShutdownHandlers({ signals, graceMs, stop, exit: (c) => void exits.push(c), log: silentLogger() });
    return { signals, exits, handle };
  }

  it('exits 0 after a graceful stop on SIGTERM', async () => {
    const { signals, exits } = setup(async () => undefined);
    signals.emit('SIGTERM', 'SIGTERM');
    await waitFor(() => exits.length === 1, 'exit');
    expect(exits).toEqual([ExitCode.OK]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('forces the exit on a second signal', async () => {
    const { signals, exits } = setup(() => new Promise(() => undefined));
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([ExitCode.FORCED_SHUTDOWN]);
  });

  it('forces the exit when the grace period expires', async () => {
    const { signals, exits } = setup(() => new Promise(() => undefined), 30);
    signals.emit('SIGTERM', 'SIGTERM');
    await waitFor(() => exits.length === 1, 'forced exit');
    expect(exits).toEqual([ExitCode.FORCED_SHUTDOWN]);
  });

  it('exits with the fatal code after stopping on a fatal error', async () => {
    const { exits, handle } = setup(async () => undefined);
    handle.trigger('fatal error', ExitCode.FATAL);
    await waitFor(() => exits.length === 1, 'exit');
    expect(exits).toEqual([ExitCode.FATAL]);
  });
});

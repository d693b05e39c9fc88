import { describe, expect, it } from 'vitest';
import type { JobOwnership, OwnershipSnapshot, SyncerRow } from '../meta-store/meta-store.js';
import { coordinator, drainPlan, failoverPlan, liveSyncers, rebalancePlan } from './plan.js';

const NOW = 1_000_000_000_000n;
const LEASE = 10_000;

function syncer(hostInfo: string, agoMs: number, extra: Partial<SyncerRow> = {}): SyncerRow {
  return { hostInfo, timestampNs: NOW - BigInt(agoMs) * 1_000_000n, session: `s-${hostInfo}`, leaseMs: LEASE, leaving: false, ...extra };
}

function job(name: string, belongTo: string, parent?: string): JobOwnership {
  return { name, belongTo, epoch: 3n, parent };
}

function snap(syncers: SyncerRow[], jobs: JobOwnership[]): OwnershipSnapshot {
  return { nowNs: NOW, syncers, jobs: [...jobs].sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

const moves = (plan: { transfers: readonly { job: JobOwnership; to: string }[] }) => plan.transfers.map((t) => `${t.job.name}->${t.to}`);

describe('liveness and coordinator', () => {
  it('judges each syncer by its own lease, a lease-less row by the fallback', () => {
    const s = snap([syncer('a', 1_000), syncer('b', 10_001), syncer('c', 20_000, { leaseMs: 30_000 }), syncer('go', 5_000, { leaseMs: 0 })], []);
    expect(liveSyncers(s, LEASE).map((r) => r.hostInfo)).toEqual(['a', 'c', 'go']);
    expect(liveSyncers(s, 4_000).map((r) => r.hostInfo)).toEqual(['a', 'c']);
  });

  it('the coordinator is the first live syncer that is not leaving', () => {
    expect(coordinator(snap([syncer('a', 20_000), syncer('b', 0, { leaving: true }), syncer('c', 0)], []), LEASE)).toBe('c');
    expect(coordinator(snap([syncer('a', 20_000)], []), LEASE)).toBeUndefined();
  });
});

describe('failoverPlan', () => {
  it('moves the jobs of dead and unregistered owners to the least loaded live syncers', () => {
    const s = snap(
      [syncer('a', 0), syncer('b', 0), syncer('dead', 11_000), syncer('leaving', 0, { leaving: true })],
      [job('a1', 'a'), job('a2', 'a'), job('b1', 'b'), job('d1', 'dead'), job('d2', 'dead'), job('d3', 'dead'), job('g1', 'gone'), job('l1', 'leaving')],
    );
    const plan = failoverPlan(s, LEASE);
    expect(plan.dead.map((d) => d.hostInfo)).toEqual(['dead']);
    // b (1 job) takes the first, then they alternate by load; the leaving syncer keeps its job and gets none.
    expect(moves(plan)).toEqual(['d1->b', 'd2->a', 'd3->b', 'g1->a']);
  });

  it('moves a cluster job and its children together, and children follow a live cluster job', () => {
    const s = snap(
      [syncer('a', 0), syncer('b', 0), syncer('dead', 60_000)],
      [job('b1', 'b'), job('b2', 'b'), job('c', 'dead'), job('c_x', 'dead', 'c'), job('c_y', 'dead', 'c'), job('k', 'b'), job('k_x', 'dead', 'k')],
    );
    expect(moves(failoverPlan(s, LEASE))).toEqual(['c->a', 'c_x->a', 'c_y->a', 'k_x->b']);
  });

  it('keeps an orphaned cluster job with its live children', () => {
    const s = snap([syncer('a', 0), syncer('b', 0)], [job('c', 'dead'), job('c_x', 'b', 'c')]);
    expect(moves(failoverPlan(s, LEASE))).toEqual(['c->b']);
  });

  it('plans nothing without a live receiver', () => {
    expect(failoverPlan(snap([syncer('a', 0, { leaving: true })], [job('x', 'dead')]), LEASE).transfers).toEqual([]);
  });
});

describe('rebalancePlan', () => {
  const jobsOf = (owner: string, n: number) => Array.from({ length: n }, (_, i) => job(`${owner}${String(i).padStart(2, '0')}`, owner));

  it('the most loaded syncer gives a few jobs to a newcomer, never overshooting', () => {
    const s = snap([syncer('a', 0), syncer('b', 0), syncer('new', 0)], [...jobsOf('a', 6), ...jobsOf('b', 5)]);
    expect(rebalancePlan(s, 'a', LEASE, 2).map((h) => [h.jobs.map((j) => j.name), h.to, h.reason])).toEqual([
      [['a00'], 'new', 'rebalance'],
      [['a01'], 'new', 'rebalance'],
    ]);
    // b is not the most loaded: it waits its turn.
    expect(rebalancePlan(s, 'b', LEASE, 2)).toEqual([]);
    // Balanced enough (difference 1): nothing moves.
    expect(rebalancePlan(snap([syncer('a', 0), syncer('b', 0)], [...jobsOf('a', 3), ...jobsOf('b', 2)]), 'a', LEASE, 2)).toEqual([]);
    // Converges: 4 / 5 / 2 → a single job from b.
    const later = snap([syncer('a', 0), syncer('b', 0), syncer('new', 0)], [...jobsOf('a', 4), ...jobsOf('b', 5), ...jobsOf('new', 2)]);
    expect(rebalancePlan(later, 'b', LEASE, 2).map((h) => h.jobs.map((j) => j.name))).toEqual([['b00']]);
  });

  it('moves whole cluster groups, and only when the group fits the imbalance', () => {
    const group = [job('c', 'a'), job('c_x', 'a', 'c'), job('c_y', 'a', 'c')];
    const s = snap([syncer('a', 0), syncer('b', 0)], [...group, ...jobsOf('a', 1)]);
    // a has 4, b 0: the single job moves first (smallest group), then the group no longer fits.
    expect(rebalancePlan(s, 'a', LEASE, 2).map((h) => h.jobs.map((j) => j.name))).toEqual([['a00']]);
    const big = snap([syncer('a', 0), syncer('b', 0)], group);
    // 3 vs 0: moving 3 would overshoot.
    expect(rebalancePlan(big, 'a', LEASE, 2)).toEqual([]);
    const bigger = snap([syncer('a', 0), syncer('b', 0)], [...group, ...jobsOf('a', 3).map((j) => ({ ...j, name: `z${j.name}` }))]);
    expect(rebalancePlan(bigger, 'a', LEASE, 1).map((h) => h.jobs.map((j) => j.name))).toEqual([['za00']]);
  });

  it('hands stray children to their cluster job owner, whatever the balance', () => {
    const s = snap([syncer('a', 0), syncer('b', 0)], [job('c', 'b'), job('c_x', 'a', 'c'), job('c_y', 'a', 'c'), job('d', 'b', 'gone')]);
    expect(rebalancePlan(s, 'a', LEASE, 0).map((h) => [h.jobs.map((j) => j.name), h.to, h.reason])).toEqual([[['c_x', 'c_y'], 'b', 'stray']]);
    expect(rebalancePlan(s, 'b', LEASE, 0)).toEqual([]);
  });

  it('a heavy syncer whose only group is too big to move does not block a lighter one that can give', () => {
    const group = [job('c', 'a'), job('c_x', 'a', 'c'), job('c_y', 'a', 'c')];
    const s = snap([syncer('a', 0), syncer('b', 0), syncer('new', 0)], [...group, ...jobsOf('b', 2)]);
    expect(rebalancePlan(s, 'a', LEASE, 2)).toEqual([]);
    expect(rebalancePlan(s, 'b', LEASE, 2).map((h) => [h.jobs.map((j) => j.name), h.to])).toEqual([[['b00'], 'new']]);
  });

  it('a leaving or dead syncer neither gives nor receives', () => {
    const s = snap([syncer('a', 0, { leaving: true }), syncer('b', 0), syncer('c', 60_000)], [...jobsOf('a', 5), ...jobsOf('b', 5)]);
    expect(rebalancePlan(s, 'a', LEASE, 2)).toEqual([]);
    expect(rebalancePlan(s, 'b', LEASE, 2)).toEqual([]);
  });
});

describe('drainPlan', () => {
  it('sends every job of the leaving syncer to the others, groups together, lightest first', () => {
    const s = snap(
      [syncer('me', 0, { leaving: true }), syncer('a', 0), syncer('b', 0)],
      [job('a1', 'a'), job('m1', 'me'), job('m2', 'me'), job('c', 'me'), job('c_x', 'me', 'c'), job('k', 'a'), job('k_x', 'me', 'k')],
    );
    expect(drainPlan(s, 'me', LEASE).map((h) => [h.jobs.map((j) => j.name), h.to])).toEqual([
      [['c', 'c_x'], 'b'],
      [['k_x'], 'a'],
      [['m1'], 'b'],
      [['m2'], 'a'],
    ]);
    expect(drainPlan(snap([syncer('me', 0)], [job('m1', 'me')]), 'me', LEASE)).toEqual([]);
  });
});

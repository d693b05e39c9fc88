// Pure planning of job ownership over an OwnershipSnapshot: who is alive, which jobs of dead
// syncers go where (failover), which jobs a loaded syncer hands to a lighter one (rebalance),
// and where a leaving syncer's jobs go (drain). A cluster job and its children form a group
// that moves together: children follow their cluster job's owner. Nothing here does I/O; the
// HA service applies the plans with fenced, conditional writes, so a plan made from a stale
// snapshot can lose a race but never overwrite a newer owner.
import type { JobOwnership, OwnershipSnapshot, SyncerRow } from '../meta-store/meta-store.js';
import { syncerExpired } from '../meta-store/meta-store.js';

/** One job of a dead syncer and its new owner. */
export interface Transfer {
  readonly job: JobOwnership;
  readonly to: string;
}

export interface FailoverPlan {
  /** Rows to remove (their lease ran out by the store's clock). */
  readonly dead: readonly SyncerRow[];
  /** Jobs whose owner is not a live syncer, cluster jobs before their children. */
  readonly transfers: readonly Transfer[];
}

/** Jobs the planning syncer hands over itself (it stops their runners first). */
export interface Handover {
  /** Cluster job before its children. */
  readonly jobs: readonly JobOwnership[];
  readonly to: string;
  /** rebalance: to a lighter syncer; stray: children to their cluster job's owner; leaving: graceful stop. */
  readonly reason: 'rebalance' | 'stray' | 'leaving';
}

interface Group {
  readonly key: string;
  /** The cluster job, when the group has one in the store. */
  readonly root: JobOwnership | undefined;
  /** Root first, then children by name. */
  readonly members: readonly JobOwnership[];
}

/** Syncers whose lease has not run out, by host_info. */
export function liveSyncers(snapshot: OwnershipSnapshot, fallbackLeaseMs: number): SyncerRow[] {
  return snapshot.syncers.filter((s) => !syncerExpired(s, snapshot.nowNs, fallbackLeaseMs));
}

/** Live syncers that may receive jobs (not leaving), by host_info. */
function receivers(snapshot: OwnershipSnapshot, fallbackLeaseMs: number): string[] {
  return liveSyncers(snapshot, fallbackLeaseMs)
    .filter((s) => !s.leaving)
    .map((s) => s.hostInfo)
    .sort();
}

/**
 * The syncer that runs failover: the first live, non-leaving syncer by host_info. One
 * coordinator keeps two syncers from racing for the same orphans (the conditional writes
 * would make the race harmless, but also pointless).
 */
export function coordinator(snapshot: OwnershipSnapshot, fallbackLeaseMs: number): string | undefined {
  return receivers(snapshot, fallbackLeaseMs)[0];
}

function groups(jobs: readonly JobOwnership[]): Group[] {
  const byKey = new Map<string, JobOwnership[]>();
  for (const j of jobs) {
    const key = j.parent ?? j.name;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(j);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => {
      const root = list.find((j) => j.name === key && j.parent === undefined);
      const children = list.filter((j) => j !== root).sort((a, b) => (a.name < b.name ? -1 : 1));
      return { key, root, members: root ? [root, ...children] : children };
    });
}

function loads(jobs: readonly JobOwnership[], syncers: readonly string[]): Map<string, number> {
  const load = new Map<string, number>(syncers.map((s) => [s, 0]));
  for (const j of jobs) {
    const n = load.get(j.belongTo);
    if (n !== undefined) load.set(j.belongTo, n + 1);
  }
  return load;
}

/** The least loaded of `candidates` (ties: first by host_info), or undefined. */
function lightest(load: Map<string, number>, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const c of candidates) if (best === undefined || (load.get(c) ?? 0) < (load.get(best) ?? 0)) best = c;
  return best;
}

/**
 * Where a group's jobs should live: with its cluster job when that one's owner can take jobs,
 * else with any member whose owner can, else on the lightest candidate.
 */
function groupHome(group: Group, accept: ReadonlySet<string>, load: Map<string, number>, candidates: readonly string[]): string | undefined {
  if (group.root && accept.has(group.root.belongTo)) return group.root.belongTo;
  const member = group.members.find((m) => accept.has(m.belongTo));
  return member ? member.belongTo : lightest(load, candidates);
}

/** Dead syncers to remove and every job owned by no live syncer, with its new owner (least loaded first). */
export function failoverPlan(snapshot: OwnershipSnapshot, fallbackLeaseMs: number): FailoverPlan {
  const live = new Set(liveSyncers(snapshot, fallbackLeaseMs).map((s) => s.hostInfo));
  const dead = snapshot.syncers.filter((s) => !live.has(s.hostInfo));
  const targets = receivers(snapshot, fallbackLeaseMs);
  const accept = new Set(targets);
  const load = loads(snapshot.jobs, targets);
  const transfers: Transfer[] = [];
  for (const group of groups(snapshot.jobs)) {
    const orphans = group.members.filter((m) => !live.has(m.belongTo));
    if (orphans.length === 0) continue;
    const to = groupHome(group, accept, load, targets);
    if (to === undefined) continue;
    for (const job of orphans) transfers.push({ job, to });
    load.set(to, (load.get(to) ?? 0) + orphans.length);
  }
  return { dead, transfers };
}

/**
 * What `me` hands over now: children it holds whose cluster job lives elsewhere, and, when
 * `me` is the donor, whole groups to the lightest syncer while that leaves `me` at least as
 * loaded as the receiver (no overshoot, so no ping-pong), at most `batch` jobs per call
 * unless a single group is larger. The donor is the most loaded syncer that has such a
 * move; every syncer computes the same one from the same snapshot, so several donors never
 * pile onto one newcomer at once, and a heavy syncer whose only group is too big to move
 * does not block a lighter one that can give.
 */
export function rebalancePlan(snapshot: OwnershipSnapshot, me: string, fallbackLeaseMs: number, batch: number): Handover[] {
  const targets = receivers(snapshot, fallbackLeaseMs);
  if (!targets.includes(me)) return [];
  const accept = new Set(targets);
  const load = loads(snapshot.jobs, targets);
  const out: Handover[] = [];
  const all = groups(snapshot.jobs);
  for (const g of all) {
    const rootOwner = g.root?.belongTo;
    if (rootOwner === undefined || rootOwner === me || !accept.has(rootOwner)) continue;
    const mine = g.members.filter((m) => m.belongTo === me);
    if (mine.length === 0) continue;
    out.push({ jobs: mine, to: rootOwner, reason: 'stray' });
    load.set(me, (load.get(me) ?? 0) - mine.length);
    load.set(rootOwner, (load.get(rootOwner) ?? 0) + mine.length);
  }
  if (batch <= 0) return out;
  /** Groups wholly owned by `owner`, smallest first. */
  const movable = (owner: string) =>
    all.filter((g) => g.members.every((m) => m.belongTo === owner)).sort((a, b) => a.members.length - b.members.length || (a.key < b.key ? -1 : 1));
  const fits = (owner: string, size: number): boolean => {
    const to = lightest(load, targets.filter((t) => t !== owner));
    return to !== undefined && (load.get(owner) ?? 0) - (load.get(to) ?? 0) >= 2 * size;
  };
  const donor = [...targets]
    .sort((a, b) => (load.get(b) ?? 0) - (load.get(a) ?? 0) || (a < b ? -1 : 1))
    .find((t) => movable(t).some((g) => fits(t, g.members.length)));
  if (donor !== me) return out;
  let moved = 0;
  for (const g of movable(me)) {
    const size = g.members.length;
    if (moved > 0 && moved + size > batch) break;
    if (!fits(me, size)) continue;
    const to = lightest(load, targets.filter((t) => t !== me)) as string;
    out.push({ jobs: g.members, to, reason: 'rebalance' });
    load.set(me, (load.get(me) ?? 0) - size);
    load.set(to, (load.get(to) ?? 0) + size);
    moved += size;
  }
  return out;
}

/** Where every job of a leaving `me` goes: with its group if possible, else to the lightest syncer. */
export function drainPlan(snapshot: OwnershipSnapshot, me: string, fallbackLeaseMs: number): Handover[] {
  const targets = receivers(snapshot, fallbackLeaseMs).filter((t) => t !== me);
  if (targets.length === 0) return [];
  const accept = new Set(targets);
  const load = loads(snapshot.jobs, targets);
  const out: Handover[] = [];
  for (const g of groups(snapshot.jobs)) {
    const mine = g.members.filter((m) => m.belongTo === me);
    if (mine.length === 0) continue;
    const to = groupHome(g, accept, load, targets);
    if (to === undefined) continue;
    out.push({ jobs: mine, to, reason: 'leaving' });
    load.set(to, (load.get(to) ?? 0) + mine.length);
  }
  return out;
}

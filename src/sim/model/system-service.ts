// Cluster membership and configuration as model data: backends (alive flags drive replica
// placement, reads and loads), frontends (which one is master, for NOT_MASTER redirects),
// FE/BE config (ADMIN SHOW/SET FRONTEND CONFIG, BE /api/show_config), users and the token.
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import { allocateId } from './ids.js';
import { DORIS_VERSION, type BackendSpec } from './cluster-init.js';
import type { BackendState, ConfigEntry, FrontendState } from './state.js';

export class SystemService {
  constructor(private readonly ctx: ModelContext) {}

  /** Backends by id. */
  backends(): BackendState[] {
    return [...this.ctx.state.backends.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  backend(id: bigint): BackendState | undefined {
    return this.ctx.state.backends.get(id);
  }

  /** Marks a backend dead or alive: dead backends get no new replicas, serve no reads and miss loads. */
  setBackendAlive(id: bigint, alive: boolean): void {
    const be = this.ctx.state.backends.get(id);
    if (!be) throw ddlError(`backend does not exist[${id}]`);
    be.alive = alive;
    if (alive) be.lastHeartbeatMs = this.ctx.clock();
  }

  /** ALTER SYSTEM ADD BACKEND: a new alive backend (journaled). */
  addBackend(spec: BackendSpec): BackendState {
    const host = spec.host ?? '127.0.0.1';
    const heartbeatPort = spec.heartbeatPort ?? 9050;
    for (const b of this.ctx.state.backends.values()) {
      if (b.host === host && b.heartbeatPort === heartbeatPort) throw ddlError(`Same backend already exists[${host}:${heartbeatPort}]`);
    }
    const now = this.ctx.clock();
    const be: BackendState = {
      id: allocateId(this.ctx.state),
      host,
      heartbeatPort,
      bePort: spec.bePort ?? 9060,
      httpPort: spec.httpPort ?? 8040,
      brpcPort: spec.brpcPort ?? 8060,
      arrowFlightSqlPort: spec.arrowFlightSqlPort ?? -1,
      alive: spec.alive ?? true,
      decommissioned: false,
      lastStartTimeMs: now,
      lastHeartbeatMs: now,
      version: DORIS_VERSION,
    };
    this.ctx.state.backends.set(be.id, be);
    return be;
  }

  frontends(): FrontendState[] {
    return [...this.ctx.state.frontends];
  }

  /** The master FE, if one is elected. */
  master(): FrontendState | undefined {
    return this.ctx.state.frontends.find((f) => f.isMaster && f.alive);
  }

  /** FE master switch: `name` becomes master (undefined = no master known, as during an election). */
  setMaster(name: string | undefined): void {
    if (name !== undefined && !this.ctx.state.frontends.some((f) => f.name === name)) throw ddlError(`frontend ${name} does not exist`);
    for (const f of this.ctx.state.frontends) f.isMaster = f.name === name;
  }

  setFrontendAlive(name: string, alive: boolean): void {
    const fe = this.ctx.state.frontends.find((f) => f.name === name);
    if (!fe) throw ddlError(`frontend ${name} does not exist`);
    fe.alive = alive;
  }

  feConfig(key: string): string | undefined {
    return this.ctx.state.feConfig.get(key)?.value;
  }

  feConfigEntries(): [string, ConfigEntry][] {
    return [...this.ctx.state.feConfig].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** ADMIN SET FRONTEND CONFIG ("k" = "v"): only mutable keys (fault injection may pass force). */
  setFeConfig(key: string, value: string, force = false): void {
    const e = this.ctx.state.feConfig.get(key);
    if (!e) throw ddlError(`Config '${key}' does not exist`);
    if (!e.mutable && !force) throw ddlError(`Config '${key}' is not mutable`);
    e.value = value;
  }

  beConfig(key: string): string | undefined {
    return this.ctx.state.beConfig.get(key);
  }

  beConfigEntries(): [string, string][] {
    return [...this.ctx.state.beConfig];
  }

  setBeConfig(key: string, value: string): void {
    this.ctx.state.beConfig.set(key, value);
  }

  checkPassword(user: string, password: string): boolean {
    const stored = this.ctx.state.users.get(user);
    return stored !== undefined && stored === password;
  }

  hasUser(user: string): boolean {
    return this.ctx.state.users.has(user);
  }

  /** CREATE USER [IF NOT EXISTS] 'u' IDENTIFIED BY 'p'. */
  createUser(user: string, password: string, ifNotExists = false): void {
    if (this.ctx.state.users.has(user)) {
      if (ifNotExists) return;
      throw ddlError(`Operation CREATE USER failed for '${user}'@'%'`);
    }
    this.ctx.state.users.set(user, password);
  }

  /** SET PASSWORD FOR 'u' = PASSWORD('p'). */
  setPassword(user: string, password: string): void {
    if (!this.ctx.state.users.has(user)) throw ddlError(`user '${user}'@'%' does not exist`);
    this.ctx.state.users.set(user, password);
  }

  /** The cluster token (getMasterToken; BE download authentication). */
  token(): string {
    return this.ctx.state.token;
  }

  clusterId(): number {
    return this.ctx.state.clusterId;
  }
}

// The `ddr` settings section (workspace/configuration) and its mapping to the engine's
// Settings. Clients differ: VS Code answers `{}` for a section it has no settings for,
// Neovim 0.7 answers `null`; some send dotted keys flat (`"timeouts.interactiveMax"`).
// Every shape is accepted; an invalid value is logged and ignored, never fatal.
import type { Connection } from 'vscode-languageserver/node';
import { mergeSettings } from '../engine/analyze';
import { RULES_BY_ID } from '../engine/registry';
import { defaultSettings, Settings } from '../engine/rule';
import { parseDuration } from '../engine/schema';
import type { Severity } from '../engine/types';

export const SECTION = 'ddr';

/** When an open design is analysed (`ddr.run`): on every change, or when opened and saved. */
export type RunMode = 'onType' | 'onSave';

/**
 * The engine's settings and what the server itself does with a design: `ddr.enable` (off:
 * no diagnostics, no features, no checklist entry) and `ddr.run`. The two extra fields
 * ride along to the engine, which ignores them.
 */
export interface ServerSettings extends Settings {
  enable: boolean;
  run: RunMode;
}

export const defaultServerSettings: ServerSettings = { ...defaultSettings, enable: true, run: 'onType' };

/** Whether two settings are the same, whether or not they are the same object. */
export function sameSettings(a: Settings, b: Settings): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

type Log = (message: string) => void;

/** Reads `a.b.c` from nested objects or from a flat `"a.b.c"` key (or `"b.c"` under `a`). */
function pick(raw: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    if (!cur || typeof cur !== 'object') {
      return undefined;
    }
    const o = cur as Record<string, unknown>;
    const flat = path.slice(i).join('.');
    if (flat in o && i < path.length - 1) {
      return o[flat];
    }
    cur = o[path[i]];
  }
  return cur;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** The engine's settings for a `ddr` section as a client sends it (null and `{}` included). */
export function toEngineSettings(section: unknown, log: Log = () => undefined): Settings {
  if (!section || typeof section !== 'object') {
    return defaultSettings;
  }
  const raw = section as Record<string, unknown>;
  const severity: Record<string, Severity | 'off'> = {};
  const sev = pick(raw, ['severity']);
  if (sev && typeof sev === 'object') {
    for (const [id, v] of Object.entries(sev as Record<string, unknown>)) {
      const rule = RULES_BY_ID.get(id.toUpperCase());
      const value = typeof v === 'string' ? v.toLowerCase() : v;
      if (!rule) {
        log(`ddr.severity: \`${id}\` is not a rule id; ignored`);
      } else if (typeof value !== 'string' || !SEVERITIES.has(value === 'information' ? 'info' : value)) {
        log(`ddr.severity.${id}: \`${String(v)}\` is not one of error, warning, info, off; ignored`);
      } else {
        severity[rule.id] = (value === 'information' ? 'info' : value) as Severity | 'off';
      }
    }
  }
  const duration = (path: string[], fallback: number): number => {
    const v = pick(raw, path);
    if (v === undefined || v === null || v === '') {
      return fallback;
    }
    const ms = typeof v === 'number' ? v : parseDuration(String(v).trim());
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      log(`ddr.${path.join('.')}: \`${String(v)}\` is not a duration such as 10s; ignored`);
      return fallback;
    }
    return ms;
  };
  const count = (path: string[], fallback: number): number => {
    const v = pick(raw, path);
    if (v === undefined || v === null || v === '') {
      return fallback;
    }
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      log(`ddr.${path.join('.')}: \`${String(v)}\` is not a positive whole number; ignored`);
      return fallback;
    }
    return n;
  };
  return mergeSettings({
    severity,
    interactiveTimeoutMaxMs: duration(['timeouts', 'interactiveMax'], defaultSettings.interactiveTimeoutMaxMs),
    batchTimeoutMinMs: duration(['timeouts', 'batchMin'], defaultSettings.batchTimeoutMinMs),
    limits: {
      ...defaultSettings.limits,
      maxFileSize: count(['limits', 'maxFileSize'], defaultSettings.limits.maxFileSize),
      maxFindings: count(['limits', 'maxFindings'], defaultSettings.limits.maxFindings),
      maxAliasExpansion: count(['limits', 'maxAliasExpansion'], defaultSettings.limits.maxAliasExpansion),
      maxNestingDepth: count(['limits', 'maxNestingDepth'], defaultSettings.limits.maxNestingDepth),
    },
  });
}

/** The server's settings for a `ddr` section as a client sends it: the engine's, `enable` and `run`. */
export function toServerSettings(section: unknown, log: Log = () => undefined): ServerSettings {
  const engine = toEngineSettings(section, log);
  if (!section || typeof section !== 'object') {
    return { ...engine, enable: true, run: 'onType' };
  }
  const raw = section as Record<string, unknown>;
  const enableRaw = pick(raw, ['enable']);
  let enable = true;
  if (typeof enableRaw === 'boolean') {
    enable = enableRaw;
  } else if (enableRaw !== undefined && enableRaw !== null) {
    log(`ddr.enable: \`${String(enableRaw)}\` is not true or false; ignored`);
  }
  const runRaw = pick(raw, ['run']);
  let run: RunMode = 'onType';
  if (runRaw === 'onType' || runRaw === 'onSave') {
    run = runRaw;
  } else if (runRaw !== undefined && runRaw !== null) {
    log(`ddr.run: \`${String(runRaw)}\` is not onType or onSave; ignored`);
  }
  return { ...engine, enable, run };
}

/**
 * Settings per scope (a document or a workspace folder), pulled with workspace/configuration
 * when the client supports it and cached until the next didChangeConfiguration; otherwise
 * the settings the client pushes with didChangeConfiguration.
 */
export class SettingsStore {
  /** Bumped on every change: an analysis made under an older generation is stale. */
  generation = 0;
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private readonly resolvedCache = new Map<string, ServerSettings>();
  private pushed: ServerSettings = defaultServerSettings;
  /** The settings the client answered last, for any scope: the likeliest for a scope not asked yet. */
  private lastResolved?: ServerSettings;

  /** True when the client answers workspace/configuration; set from `initialize`. */
  pull = false;

  constructor(
    private readonly connection: Connection,
    private readonly log: Log,
  ) {}

  get(scopeUri: string): Promise<ServerSettings> {
    if (!this.pull) {
      return Promise.resolve(this.pushed);
    }
    let p = this.cache.get(scopeUri);
    if (!p) {
      const generation = this.generation;
      p = this.connection.workspace
        .getConfiguration({ scopeUri, section: SECTION })
        .then(
          (section: unknown) => toServerSettings(section, this.log),
          (e: unknown) => {
            this.log(`workspace/configuration failed (${String((e as Error)?.message ?? e)}); using the defaults`);
            return defaultServerSettings;
          },
        )
        .then((s) => {
          if (generation === this.generation) {
            this.resolvedCache.set(scopeUri, s);
            this.lastResolved = s;
          }
          return s;
        });
      this.cache.set(scopeUri, p);
    }
    return p;
  }

  /** The last settings known for a scope, without waiting (defaults before the first answer). */
  known(scopeUri: string): ServerSettings {
    return this.ready(scopeUri) ?? defaultServerSettings;
  }

  /** The settings of a scope when they are known now: the client answered for it (or pushes them). */
  ready(scopeUri: string): ServerSettings | undefined {
    return this.pull ? this.resolvedCache.get(scopeUri) : this.pushed;
  }

  /**
   * The settings a scope not asked yet most likely has: those the client answered last
   * (a design beside the last one opened), else the defaults until settings change (then
   * none). A guess to start an analysis with while the client answers, never a result
   * published as is.
   */
  likely(): ServerSettings | undefined {
    if (!this.pull) {
      return this.pushed;
    }
    // After a change of settings, the defaults are no better a guess than the old settings.
    return this.lastResolved ?? (this.generation === 0 ? defaultServerSettings : undefined);
  }

  forget(scopeUri: string): void {
    this.cache.delete(scopeUri);
    this.resolvedCache.delete(scopeUri);
  }

  changed(pushedSettings: unknown): void {
    this.generation++;
    this.cache.clear();
    this.resolvedCache.clear();
    this.lastResolved = undefined;
    if (!this.pull) {
      const section = pushedSettings && typeof pushedSettings === 'object' ? (pushedSettings as Record<string, unknown>)[SECTION] : undefined;
      this.pushed = toServerSettings(section, this.log);
    }
  }
}

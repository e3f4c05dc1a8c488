import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Frame {
  readonly frame: string;
  readonly selfPercent: number;
}

/** A span of the run on the monotonic clock V8 stamps profiles with, in µs. */
export interface Window {
  readonly name: string;
  readonly fromUs: number;
  readonly toUs: number;
}

export interface ProfileSummary {
  readonly service: string;
  readonly window: string;
  readonly seconds: number;
  /** Share of the window the process was on a CPU. */
  readonly busyPercent: number;
  /** Self time by package or project folder, as a share of the busy time. */
  readonly areas: Frame[];
  /** Self time by function, as a share of the busy time. */
  readonly frames: Frame[];
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Now on the clock of V8's profiles (CLOCK_MONOTONIC, as process.hrtime), in µs. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Summarises the V8 CPU profiles (`--cpu-prof`) of each service folder under `dir`, over
 * each window: only the samples taken within it count, so start-up and other phases do
 * not blur a phase's picture.
 */
export function summariseProfiles(
  dir: string,
  windows: readonly Window[],
  top = 12,
): ProfileSummary[] {
  let services: string[];
  try {
    services = readdirSync(dir);
  } catch {
    return [];
  }
  const out: ProfileSummary[] = [];
  for (const service of services) {
    const profiles = readdirSync(path.join(dir, service))
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => JSON.parse(readFileSync(path.join(dir, service, f), 'utf8')) as CpuProfile);
    for (const window of windows) {
      const summary = summarise(service, profiles, window, top);
      if (summary) out.push(summary);
    }
  }
  return out;
}

function summarise(
  service: string,
  profiles: CpuProfile[],
  window: Window,
  top: number,
): ProfileSummary | null {
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      at += us;
      if (at < window.fromUs || at > window.toUs) return;
      const frame = nodes.get(id)!;
      total += us;
      if (frame.functionName === '(idle)') {
        idle += us;
        return;
      }
      const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      self.set(name, (self.get(name) ?? 0) + us);
      const area = areaOf(frame.url, frame.functionName);
      areas.set(area, (areas.get(area) ?? 0) + us);
    });
  }
  if (total === 0) return null;
  const busy = Math.max(1, total - idle);
  const topOf = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, selfPercent: Math.round((1000 * us) / busy) / 10 }));
  return {
    service,
    window: window.name,
    seconds: Math.round(total / 1e5) / 10,
    busyPercent: Math.round((1000 * (total - idle)) / total) / 10,
    areas: topOf(areas),
    frames: topOf(self),
  };
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-3)
    .join('/');
}

/** A package name, a project folder, node's internals, or the engine's own work. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    const rest = url.slice(at + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const match = /\/(packages|services)\/([^/]+)\//.exec(url);
  return match ? `${match[1]}/${match[2]}` : shortUrl(url);
}

import { DEFAULT_RULES, type ResumeRules } from './rules.js';
import type { ResumeState } from './types.js';

/** Where a player should start: the position, or 0 when nothing is worth resuming. */
export function resumePosition(state: ResumeState, rules: ResumeRules = DEFAULT_RULES): number {
  if (state.completed) return 0;
  if (state.positionSeconds < rules.minResumeSeconds) return 0;
  if (state.durationSeconds !== null && state.durationSeconds < rules.minDurationSeconds) return 0;
  return state.positionSeconds;
}

/** The text a player shows, `Resume from 11:11?`, or null when there is nothing to resume. */
export function resumePrompt(
  state: ResumeState,
  rules: ResumeRules = DEFAULT_RULES,
): string | null {
  const at = resumePosition(state, rules);
  return at > 0 ? `Resume from ${formatClock(at)}?` : null;
}

/** m:ss under an hour, h:mm:ss from an hour on. */
export function formatClock(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Whether an entry belongs on the profile's continue-watching list. `hiddenAt` is when the
 * viewer removed it; it comes back once the position moves after that.
 */
export function isListed(
  state: ResumeState,
  hiddenAt: number | null,
  rules: ResumeRules = DEFAULT_RULES,
): boolean {
  if (resumePosition(state, rules) === 0) return false;
  return hiddenAt === null || state.movedAt > hiddenAt;
}

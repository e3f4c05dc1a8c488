import { DEFAULT_RULES, type ResumeRules } from '@playhead/domain';
import { z } from 'zod';

const DAY_MS = 86_400_000;
const seconds = () =>
  z.coerce
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .optional();

/**
 * The numbers behind the resume rules, each overridable from the environment. Unset
 * variables keep the domain contract's defaults (`DEFAULT_RULES`).
 */
export const ruleSettings = {
  RULE_JITTER_SECONDS: seconds(),
  RULE_REWIND_HOLD_SECONDS: seconds(),
  RULE_PLAY_ON_SECONDS: seconds(),
  RULE_PLAY_ON_MS: z.coerce.number().int().min(0).optional(),
  RULE_END_SLACK_SECONDS: seconds(),
  RULE_COMPLETED_RATIO: z.coerce.number().gt(0).max(1).optional(),
  RULE_MIN_RESUME_SECONDS: seconds(),
  RULE_MIN_DURATION_SECONDS: seconds(),
  RULE_MAX_EVENT_AGE_DAYS: z.coerce.number().positive().max(365).optional(),
  RULE_WRITE_MOVE_SECONDS: seconds(),
  RULE_WRITE_MAX_DELAY_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  RULE_RETENTION_DAYS: z.coerce.number().positive().max(3650).optional(),
};

type RuleEnv = { [K in keyof typeof ruleSettings]?: number | undefined };

/** The rules in force: the defaults with every RULE_* variable that is set. */
export function resolveRules(env: RuleEnv): ResumeRules {
  const pick = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value);
  return Object.freeze({
    jitterSeconds: pick(env.RULE_JITTER_SECONDS, DEFAULT_RULES.jitterSeconds),
    rewindHoldSeconds: pick(env.RULE_REWIND_HOLD_SECONDS, DEFAULT_RULES.rewindHoldSeconds),
    playOnSeconds: pick(env.RULE_PLAY_ON_SECONDS, DEFAULT_RULES.playOnSeconds),
    playOnMs: pick(env.RULE_PLAY_ON_MS, DEFAULT_RULES.playOnMs),
    endSlackSeconds: pick(env.RULE_END_SLACK_SECONDS, DEFAULT_RULES.endSlackSeconds),
    completedRatio: pick(env.RULE_COMPLETED_RATIO, DEFAULT_RULES.completedRatio),
    minResumeSeconds: pick(env.RULE_MIN_RESUME_SECONDS, DEFAULT_RULES.minResumeSeconds),
    minDurationSeconds: pick(env.RULE_MIN_DURATION_SECONDS, DEFAULT_RULES.minDurationSeconds),
    maxEventAgeMs:
      env.RULE_MAX_EVENT_AGE_DAYS === undefined
        ? DEFAULT_RULES.maxEventAgeMs
        : env.RULE_MAX_EVENT_AGE_DAYS * DAY_MS,
    writeMoveSeconds: pick(env.RULE_WRITE_MOVE_SECONDS, DEFAULT_RULES.writeMoveSeconds),
    writeMaxDelayMs: pick(env.RULE_WRITE_MAX_DELAY_MS, DEFAULT_RULES.writeMaxDelayMs),
    retentionMs:
      env.RULE_RETENTION_DAYS === undefined
        ? DEFAULT_RULES.retentionMs
        : env.RULE_RETENTION_DAYS * DAY_MS,
  });
}

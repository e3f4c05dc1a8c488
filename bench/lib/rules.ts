import { loadConfig, resolveRules, ruleSettings } from '@playhead/config';
import type { ResumeRules } from '@playhead/domain';

/**
 * The rules the services run with: the defaults and any RULE_* variable in this
 * environment, which the services inherit. The bench's own checks use the same.
 */
export const BENCH_RULES: ResumeRules = resolveRules(loadConfig(ruleSettings, process.env));

import {
  resumePosition,
  resumePrompt,
  type ResumeKey,
  type ResumeRules,
  type ResumeState,
} from '@playhead/domain';

/** The JSON a player reads for one key. */
export function resumeBody(key: ResumeKey, state: ResumeState, rules: ResumeRules) {
  return {
    account_id: key.accountId,
    profile_id: key.profileId,
    video_id: key.videoId,
    position_seconds: state.positionSeconds,
    resume_position_seconds: resumePosition(state, rules),
    duration_seconds: state.durationSeconds,
    completed: state.completed,
    prompt: resumePrompt(state, rules),
    device_id: state.deviceId,
    updated_at: new Date(state.updatedAt).toISOString(),
  };
}

/**
 * The Avro schema of `playback.checkpoints.v1`: the contract with every consumer of the
 * topic. Changes must stay BACKWARD compatible (new fields need a default); the registry
 * refuses anything else, and so do the tests.
 */
export const CHECKPOINT_SCHEMA = {
  type: 'record',
  name: 'PlaybackCheckpoint',
  namespace: 'dev.playhead.playback.v1',
  doc: 'One playback checkpoint reported by a player, accepted by the ingest API.',
  fields: [
    {
      name: 'event_id',
      type: 'string',
      doc: 'Unique id of this event (UUID v4), assigned by the ingest API.',
    },
    { name: 'account_id', type: 'string', doc: 'Account that owns the profile.' },
    {
      name: 'profile_id',
      type: 'string',
      doc: 'Profile within the account; progress is per profile.',
    },
    { name: 'video_id', type: 'string', doc: 'Video being played.' },
    { name: 'device_id', type: 'string', doc: 'Device that reported the checkpoint.' },
    {
      name: 'position_seconds',
      type: 'double',
      doc: 'Playback position in seconds from the start of the video, at event_time.',
    },
    {
      name: 'event',
      type: {
        type: 'enum',
        name: 'PlaybackEvent',
        doc: 'What the player reported.',
        symbols: ['start', 'heartbeat', 'pause', 'background', 'seek', 'stop', 'ended'],
      },
      doc: 'Player event: start, heartbeat, pause, background, seek, stop or ended.',
    },
    {
      name: 'duration_seconds',
      type: ['null', 'double'],
      default: null,
      doc: 'Length of the video in seconds, when the player knows it.',
    },
    {
      name: 'session_id',
      type: ['null', 'string'],
      default: null,
      doc: 'Playback session id chosen by the player, when it sends one.',
    },
    {
      name: 'event_time',
      type: { type: 'long', logicalType: 'timestamp-millis' },
      doc: 'When the checkpoint happened, on the server clock, corrected for device clock skew; epoch ms.',
    },
    {
      name: 'received_at',
      type: { type: 'long', logicalType: 'timestamp-millis' },
      doc: 'When the ingest API received the checkpoint, server clock; epoch ms.',
    },
    {
      name: 'client_ts',
      type: ['null', { type: 'long', logicalType: 'timestamp-millis' }],
      default: null,
      doc: 'When the checkpoint happened on the device clock, as the player sent it; epoch ms.',
    },
  ],
} as const;

/** The decoded value of one message, field for field. */
export interface CheckpointEvent {
  event_id: string;
  account_id: string;
  profile_id: string;
  video_id: string;
  device_id: string;
  position_seconds: number;
  event: 'start' | 'heartbeat' | 'pause' | 'background' | 'seek' | 'stop' | 'ended';
  duration_seconds: number | null;
  session_id: string | null;
  event_time: number;
  received_at: number;
  client_ts: number | null;
}

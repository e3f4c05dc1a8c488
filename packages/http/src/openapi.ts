/**
 * The HTTP contract of both APIs, served by each at `/openapi.json`. The ingest API
 * answers the `/playback/update` and `/playback/batch` paths; the resume API the rest.
 */
const id = (description: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[^#\\u0000-\\u001f\\u007f-\\u009f]+$',
  description,
});

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'field'],
      properties: {
        code: { type: 'string', example: 'POSITION_PAST_END' },
        message: { type: 'string', description: 'What to fix, for a person.' },
        field: { type: ['string', 'null'], example: 'position_seconds' },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const keyParams = ['account_id', 'profile_id', 'video_id'].map((name) => ({
  name,
  in: 'query',
  required: true,
  schema: id(name),
}));

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Playhead',
    version: '1.0.0',
    description:
      'Playback resume. Players post checkpoints to the ingest API (port 3000); players read where to resume from the resume API (port 3001).',
  },
  servers: [
    { url: 'http://127.0.0.1:3000', description: 'ingest API' },
    { url: 'http://127.0.0.1:3001', description: 'resume API' },
  ],
  paths: {
    '/playback/update': {
      post: {
        summary: 'Post one checkpoint (ingest API).',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Checkpoint' } } },
        },
        responses: {
          '202': {
            description: 'Accepted: the event is in Kafka.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    event_id: { type: 'string', format: 'uuid' },
                    event_time: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
          '400': errorResponse('Refused; nothing was published.'),
          '413': errorResponse('Body too large.'),
          '503': errorResponse('Kafka did not take the event in time; retry after Retry-After.'),
        },
      },
    },
    '/playback/batch': {
      post: {
        summary: 'Post up to 500 checkpoints at once, e.g. offline viewing (ingest API).',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['checkpoints'],
                properties: {
                  sent_at: {
                    type: 'string',
                    format: 'date-time',
                    description: 'Device time the request left; used for items without their own.',
                  },
                  checkpoints: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 500,
                    items: { $ref: '#/components/schemas/Checkpoint' },
                  },
                },
              },
            },
          },
        },
        responses: {
          '202': {
            description: 'At least one item was accepted; refused items are listed.',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/BatchResult' } },
            },
          },
          '400': errorResponse('No item was valid, or the body is not a batch.'),
          '413': errorResponse('Too many items or body too large.'),
          '503': errorResponse('Kafka did not take the events in time.'),
        },
      },
    },
    '/playback/resume': {
      get: {
        summary: 'Where to resume a video (resume API).',
        parameters: keyParams,
        responses: {
          '200': {
            description: 'The resume state of the key.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Resume' } } },
          },
          '400': errorResponse('A parameter is missing or invalid.'),
          '404': errorResponse('No checkpoint was ever seen for this key.'),
          '503': errorResponse('Neither Redis nor PostgreSQL answered.'),
        },
      },
    },
    '/playback/continue-watching': {
      get: {
        summary: "A profile's unfinished videos, newest first (resume API).",
        parameters: [
          ...keyParams.slice(0, 2),
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        ],
        responses: {
          '200': {
            description: 'The list.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    account_id: { type: 'string' },
                    profile_id: { type: 'string' },
                    items: { type: 'array', items: { $ref: '#/components/schemas/Resume' } },
                  },
                },
              },
            },
          },
          '400': errorResponse('A parameter is missing or invalid.'),
          '503': errorResponse('Neither Redis nor PostgreSQL answered.'),
        },
      },
    },
    '/playback/continue-watching/{video_id}': {
      delete: {
        summary: 'Remove a video from continue watching; it returns when it is played on.',
        parameters: [
          { name: 'video_id', in: 'path', required: true, schema: id('video_id') },
          ...keyParams.slice(0, 2),
        ],
        responses: {
          '204': { description: 'Hidden.' },
          '400': errorResponse('A parameter is missing or invalid.'),
          '404': errorResponse('No checkpoint was ever seen for this key.'),
          '503': errorResponse('PostgreSQL did not answer.'),
        },
      },
    },
  },
  components: {
    schemas: {
      Error: error,
      Checkpoint: {
        type: 'object',
        required: [
          'account_id',
          'profile_id',
          'video_id',
          'device_id',
          'position_seconds',
          'event',
        ],
        properties: {
          account_id: id('Account.'),
          profile_id: id('Profile of the account.'),
          video_id: id('Video.'),
          device_id: id('Reporting device.'),
          position_seconds: { type: 'number', minimum: 0, maximum: 604800 },
          event: {
            type: 'string',
            enum: ['start', 'heartbeat', 'pause', 'background', 'seek', 'stop', 'ended'],
          },
          duration_seconds: { type: 'number', minimum: 1, maximum: 604800 },
          session_id: id('Playback session chosen by the player.'),
          client_ts: {
            type: 'string',
            format: 'date-time',
            description: 'When it happened, device clock. With sent_at, corrects clock skew.',
          },
          sent_at: {
            type: 'string',
            format: 'date-time',
            description: 'When it was sent, device clock.',
          },
        },
      },
      BatchResult: {
        type: 'object',
        properties: {
          accepted: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                index: { type: 'integer' },
                event_id: { type: 'string' },
                event_time: { type: 'string', format: 'date-time' },
              },
            },
          },
          rejected: {
            type: 'array',
            items: {
              type: 'object',
              properties: { index: { type: 'integer' }, error: error.properties.error },
            },
          },
        },
      },
      Resume: {
        type: 'object',
        properties: {
          account_id: { type: 'string' },
          profile_id: { type: 'string' },
          video_id: { type: 'string' },
          position_seconds: { type: 'number' },
          resume_position_seconds: {
            type: 'number',
            description: '0 when nothing is worth resuming.',
          },
          duration_seconds: { type: ['number', 'null'] },
          completed: { type: 'boolean' },
          prompt: { type: ['string', 'null'], example: 'Resume from 11:11?' },
          device_id: { type: 'string' },
          updated_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

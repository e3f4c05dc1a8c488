import type { KafkaMessage, Producer } from 'kafkajs';

/** Header names a dead letter carries, for the operator tools. */
export const DEAD_LETTER_HEADERS = {
  error: 'playhead-error',
  topic: 'playhead-source-topic',
  partition: 'playhead-source-partition',
  offset: 'playhead-source-offset',
  consumer: 'playhead-consumer',
} as const;

/**
 * Sends a message that can never be processed to the dead-letter topic, with the error and
 * where it came from in its headers, so its partition can move on.
 */
export async function sendDeadLetter(
  producer: Producer,
  deadLetterTopic: string,
  source: { topic: string; partition: number; message: KafkaMessage; consumer: string },
  error: string,
): Promise<void> {
  const { message } = source;
  await producer.send({
    topic: deadLetterTopic,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DEAD_LETTER_HEADERS.error]: error,
          [DEAD_LETTER_HEADERS.topic]: source.topic,
          [DEAD_LETTER_HEADERS.partition]: String(source.partition),
          [DEAD_LETTER_HEADERS.offset]: message.offset,
          [DEAD_LETTER_HEADERS.consumer]: source.consumer,
        },
      },
    ],
  });
}

import { expect } from 'chai';
import { DEFAULT_RULES } from '@playhead/domain';
import { commonSettings, ConfigError, loadConfig, resolveRules, z } from '../src/index.js';

describe('configuration', () => {
  it('gives the local stack defaults when nothing is set', () => {
    const config = loadConfig(commonSettings, {});
    expect(config.KAFKA_BROKERS).to.deep.equal(['127.0.0.1:9092']);
    expect(config.CHECKPOINT_TOPIC).to.equal('playback.checkpoints.v1');
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('names every variable that is wrong', () => {
    try {
      loadConfig(
        { ...commonSettings, PORT: z.coerce.number().int() },
        {
          TOPIC_PARTITIONS: '0',
          PORT: 'eighty',
          SCHEMA_REGISTRY_URL: 'not a url',
        },
      );
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const text = (error as ConfigError).message;
      expect(text).to.include('TOPIC_PARTITIONS');
      expect(text).to.include('PORT');
      expect(text).to.include('SCHEMA_REGISTRY_URL');
    }
  });

  it('keeps the contract defaults for rules that are not set', () => {
    expect(resolveRules(loadConfig(commonSettings, {}))).to.deep.equal(DEFAULT_RULES);
  });

  it('overrides each rule number that is set', () => {
    const rules = resolveRules(
      loadConfig(commonSettings, {
        RULE_WRITE_MAX_DELAY_MS: '5000',
        RULE_COMPLETED_RATIO: '0.95',
        RULE_RETENTION_DAYS: '30',
      }),
    );
    expect(rules.writeMaxDelayMs).to.equal(5000);
    expect(rules.completedRatio).to.equal(0.95);
    expect(rules.retentionMs).to.equal(30 * 86_400_000);
    expect(rules.jitterSeconds).to.equal(DEFAULT_RULES.jitterSeconds);
  });

  it('refuses a completion ratio above 1', () => {
    expect(() => loadConfig(commonSettings, { RULE_COMPLETED_RATIO: '1.5' })).to.throw(
      ConfigError,
      /RULE_COMPLETED_RATIO/,
    );
  });
});

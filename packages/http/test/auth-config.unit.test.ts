import { expect } from 'chai';
import { ConfigError } from '@playhead/config';
import { createVerifier } from '../src/index.js';

const base = { AUTH_DISABLED: false, AUTH_PROFILES_CLAIM: 'profiles' };

describe('auth configuration', () => {
  it('refuses to build without a secret or a key set', () => {
    expect(() => createVerifier({ ...base, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).to.throw(
      ConfigError,
      /AUTH_HS256_SECRET or AUTH_JWKS_URL/,
    );
  });

  it('refuses a short secret, and a missing issuer and audience, naming each', () => {
    try {
      createVerifier({ ...base, AUTH_HS256_SECRET: 'short' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).to.include('at least 32 characters');
      expect(problems).to.include('AUTH_ISSUER');
      expect(problems).to.include('AUTH_AUDIENCE');
      expect(problems).to.not.include('short');
    }
  });

  it('refuses both a secret and a key set', () => {
    expect(() =>
      createVerifier({
        ...base,
        AUTH_HS256_SECRET: 'x'.repeat(32),
        AUTH_JWKS_URL: 'https://id.example/jwks',
        AUTH_ISSUER: 'i',
        AUTH_AUDIENCE: 'a',
      }),
    ).to.throw(ConfigError, /set only one/);
  });

  it('builds nothing when auth is switched off explicitly', () => {
    expect(createVerifier({ ...base, AUTH_DISABLED: true })).to.equal(null);
  });
});

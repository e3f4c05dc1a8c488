#!/usr/bin/env bash
# Sourced by run.sh and the token script: unless the environment already configures auth,
# use a development HS256 secret kept in .stack/ (created once, git-ignored).
if [[ -z ${AUTH_HS256_SECRET:-} && -z ${AUTH_JWKS_URL:-} && ${AUTH_DISABLED:-false} != true ]]; then
  secret_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.stack/dev-auth-secret"
  if [[ ! -s $secret_file ]]; then
    mkdir -p "$(dirname "$secret_file")"
    (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" >"$secret_file")
  fi
  export AUTH_HS256_SECRET=$(<"$secret_file")
  export AUTH_ISSUER=${AUTH_ISSUER:-playhead-dev}
  export AUTH_AUDIENCE=${AUTH_AUDIENCE:-playhead}
fi

// Prints a bearer token for local use, signed with the development secret that
// `npm start` keeps in .stack/. Usage: npm run token -- [account_id] [hours]
import { SignJWT } from 'jose';

const secret = process.env.AUTH_HS256_SECRET;
if (!secret) {
  console.error('AUTH_HS256_SECRET is not set; `npm start` sets it from .stack/dev-auth-secret');
  process.exit(2);
}
const account = process.argv[2] ?? 'demo-account';
const hours = Number(process.argv[3] ?? 24);

const token = await new SignJWT({})
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(account)
  .setIssuer(process.env.AUTH_ISSUER ?? 'playhead-dev')
  .setAudience(process.env.AUTH_AUDIENCE ?? 'playhead')
  .setIssuedAt()
  .setExpirationTime(`${hours}h`)
  .sign(new TextEncoder().encode(secret));
console.log(token);

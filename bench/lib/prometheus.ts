import { request } from 'undici';

/**
 * A service's /metrics as sums per metric name (labels added up), enough to read the
 * counters the bench compares before and after a phase.
 */
export async function scrape(baseUrl: string): Promise<Map<string, number>> {
  const res = await request(`${baseUrl}/metrics`);
  const text = await res.body.text();
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + value);
  }
  return sums;
}

export async function metric(baseUrl: string, name: string): Promise<number> {
  return (await scrape(baseUrl)).get(name) ?? 0;
}

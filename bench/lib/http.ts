import { Pool } from 'undici';
import type { ResumeKey } from '@playhead/domain';

/**
 * A keep-alive connection pool to one service. `connections` is how many sockets it may
 * open; one request at a time on each (no pipelining), as browsers and players send.
 */
export function createPool(url: string, connections: number): Pool {
  return new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

export interface JsonResponse {
  readonly status: number;
  readonly body: any;
}

export async function postJson(pool: Pool, path: string, body: unknown): Promise<JsonResponse> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export async function getJson(pool: Pool, path: string): Promise<JsonResponse> {
  const res = await pool.request({ method: 'GET', path });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

export function resumePath(key: ResumeKey): string {
  const query = new URLSearchParams({
    account_id: key.accountId,
    profile_id: key.profileId,
    video_id: key.videoId,
  });
  return `/playback/resume?${query}`;
}

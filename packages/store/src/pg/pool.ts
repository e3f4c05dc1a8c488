import pg from 'pg';

// double precision and bigint arrive as numbers, timestamps as Date.
pg.types.setTypeParser(pg.types.builtins.FLOAT8, (v) => Number(v));

export type Pool = pg.Pool;

export function createPool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    ...options,
  });
}

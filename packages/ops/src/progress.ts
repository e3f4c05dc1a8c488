import cliProgress from 'cli-progress';

/** Reports the advance of long work; commands take one so tests can pass a silent one. */
export interface Progress {
  start(total: number, label: string): void;
  add(count: number): void;
  /** Grows the total when the amount of work turns out larger than first counted. */
  setTotal(total: number): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start() {},
  add() {},
  setTotal() {},
  stop() {},
};

/**
 * A progress bar on stderr with the rate and what is left. It draws nothing when stderr is
 * not a terminal, so piped output and logs stay clean.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '{label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | {remaining} left | eta {eta_formatted}',
      hideCursor: true,
      fps: 5,
      etaBuffer: 200,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let done = 0;
  let total = 0;
  const payload = () => {
    const seconds = (Date.now() - started) / 1000;
    return {
      rate: seconds > 0 ? Math.round(done / seconds) : 0,
      remaining: Math.max(0, total - done),
    };
  };
  return {
    start(count, label) {
      started = Date.now();
      done = 0;
      total = count;
      bar.start(count, 0, { label, ...payload() });
    },
    add(count) {
      done += count;
      bar.increment(count, payload());
    },
    setTotal(count) {
      total = count;
      bar.setTotal(count);
    },
    stop() {
      bar.update(payload());
      bar.stop();
    },
  };
}

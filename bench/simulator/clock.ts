/**
 * The players' simulated clock. Viewers live in simulated time, which runs `compression`
 * times faster than the wall clock, from `startMs` to at most `endMs`.
 *
 * Every checkpoint is sent with `client_ts` = its simulated time and `sent_at` = `endMs`,
 * both on the device's own clock (so shifted by that device's clock error). The server
 * computes event time = received − (sent_at − client_ts) = received − (endMs − simulated
 * time): the device error cancels, and the event times keep the simulated spacing and
 * order although the requests arrive compressed. This is the replay trick of
 * shared/cases/README.md with T_end = the end of the simulated span.
 */
export class SimClock {
  readonly endMs: number;

  constructor(
    readonly startMs: number,
    spanMs: number,
    readonly compression: number,
  ) {
    this.endMs = startMs + spanMs;
  }

  /** Wall-clock time at which a paced run should send what happens at `simMs`. */
  wallTimeOf(simMs: number, wallStartMs: number): number {
    return wallStartMs + (simMs - this.startMs) / this.compression;
  }

  /** The `client_ts` and `sent_at` a device with clock error `offsetMs` reports. */
  deviceTimes(simMs: number, offsetMs: number): { clientTs: string; sentAt: string } {
    return {
      clientTs: new Date(simMs + offsetMs).toISOString(),
      sentAt: new Date(this.endMs + offsetMs).toISOString(),
    };
  }
}

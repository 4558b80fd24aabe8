/** The one source of "now" in the core: tests inject a clock they move. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

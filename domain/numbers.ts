/** A finite number; Number.isFinite never coerces, so a numeric string is not one. */
export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

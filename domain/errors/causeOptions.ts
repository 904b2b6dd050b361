/** The standard `{ cause }` option of Error, declared here so the types compile against ES2020 libs too (ErrorOptions is ES2022). */
export interface CauseOptions {
  cause?: unknown;
}

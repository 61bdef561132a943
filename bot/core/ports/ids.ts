export interface Ids {
  /** A short id people can type back (`/elevate cancel R7K2M9QX`): never all digits, no `:`. */
  requestId(): string;
}

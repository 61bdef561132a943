/** PIM's activation settings for one role, or one group's membership or ownership. */
export interface StandInPolicy {
  maximumDuration?: string;
  justification?: boolean;
  ticketing?: boolean;
  mfa?: boolean;
  approval?: boolean;
  /** PIM's approvers (user object ids) when `approval` is on. */
  approvers?: readonly string[];
  adminJustification?: boolean;
  adminMaximumDuration?: string;
}

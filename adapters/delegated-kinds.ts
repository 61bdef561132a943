/**
 * One DelegatedPrivileges over several, as PrivilegesByKind is for PrivilegeProvider: Graph
 * self-activates directory roles and PIM for Groups, ARM Azure resource roles. Each target
 * goes to the part for its kind, with the token the sign-in got for that part's scope; a kind
 * no part serves is refused with the message that says so, never sent elsewhere.
 */
import type { Target, TargetKind } from '../bot/core/domain/target.ts';
import { type AppError, appError } from '../bot/core/errors.ts';
import type {
  DelegatedPrivileges,
  PimApproval,
  SelfActivationState,
} from '../bot/core/ports/delegated-privileges.ts';
import type { GrantRequest } from '../bot/core/ports/privilege-provider.ts';
import { err, type Result } from '../bot/core/result.ts';

const KIND_WORDS: Record<TargetKind, string> = {
  directory_role: 'directory role',
  group: 'PIM group',
  azure_role: 'Azure role',
};

const unavailable = (target: Target) =>
  err(appError('delegated.kind_unavailable', { role: target.name, kind: KIND_WORDS[target.kind] }));

export class DelegatedByKind implements DelegatedPrivileges {
  readonly kinds: ReadonlySet<TargetKind>;
  readonly #parts: readonly DelegatedPrivileges[];
  readonly reviewApproval?: DelegatedPrivileges['reviewApproval'];
  readonly activationState?: DelegatedPrivileges['activationState'];

  constructor(parts: readonly DelegatedPrivileges[]) {
    this.#parts = parts;
    this.kinds = new Set(parts.flatMap((p) => [...p.kinds]));
    if (parts.some((p) => p.reviewApproval))
      this.reviewApproval = async (token, target, approvalId, decision, justification) => {
        const part = this.#for(target.kind);
        return part?.reviewApproval
          ? part.reviewApproval(token, target, approvalId, decision, justification)
          : unavailable(target);
      };
    if (parts.some((p) => p.activationState))
      this.activationState = async (
        principalId,
        target,
        requestId,
      ): Promise<Result<SelfActivationState, AppError>> => {
        const part = this.#for(target.kind);
        return part?.activationState
          ? part.activationState(principalId, target, requestId)
          : unavailable(target);
      };
  }

  #for(kind: TargetKind): DelegatedPrivileges | undefined {
    return this.#parts.find((p) => p.kinds.has(kind));
  }

  scopeFor(kind: TargetKind): string | null {
    return this.#for(kind)?.scopeFor(kind) ?? null;
  }

  async selfActivate(
    token: string,
    grant: GrantRequest,
  ): Promise<
    Result<{ readonly endsAt: number; readonly pendingApproval?: PimApproval }, AppError>
  > {
    const part = this.#for(grant.target.kind);
    return part ? part.selfActivate(token, grant) : unavailable(grant.target);
  }

  async selfDeactivate(
    token: string,
    principalId: string,
    target: Target,
    requestId: string,
  ): Promise<Result<void, AppError>> {
    const part = this.#for(target.kind);
    return part ? part.selfDeactivate(token, principalId, target, requestId) : unavailable(target);
  }
}

/**
 * Transitive group membership through POST /users/{id}/checkMemberGroups, which takes at
 * most 20 group ids a call.
 */
import { type GraphReader, segment } from './reader.ts';

const BATCH = 20;

/**
 * The groups among `groupIds` that `userId` belongs to, directly or through nested groups.
 * With `firstOnly`, stops at the first batch that holds one (enough for "is any of").
 */
export async function memberGroups(
  reader: GraphReader,
  userId: string,
  groupIds: readonly string[],
  options: { readonly firstOnly?: boolean } = {},
): Promise<Set<string>> {
  const unique = [...new Set(groupIds)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += BATCH) {
    const reply = await reader.post<{ value: string[] }>(
      `/users/${segment(userId)}/checkMemberGroups`,
      'groups',
      { groupIds: unique.slice(i, i + BATCH) },
    );
    for (const id of reply.value) found.add(id);
    if (options.firstOnly && found.size > 0) break;
  }
  return found;
}

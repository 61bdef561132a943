/**
 * The people nearest to a name that matched nobody, for "did you mean": each candidate is
 * compared by every name it goes by (user name, display name, email), case-insensitively,
 * and ranked by its best edit distance.
 */
import { distance } from 'fastest-levenshtein';

export interface NamedPerson {
  /** How to mention them (`@jane`), shown first in the suggestion. */
  readonly mention: string;
  /** Their full name, shown beside the mention. */
  readonly name: string;
  /** Every name they may be typed as. */
  readonly keys: readonly string[];
}

const MAX_CLOSEST = 3;
const bare = (text: string): string => text.toLowerCase().replace(/^@/, '').replace(/\s+/g, '');

/** Up to three people, closest first, as `@jane (Jane Doe)`. */
export function closestPeople(typed: string, people: readonly NamedPerson[]): string[] {
  const q = bare(typed);
  return people
    .map((p) => ({
      p,
      score: Math.min(
        ...p.keys.map((k) => {
          const key = bare(k);
          // An email is typed by its local part as often as whole.
          const local = key.split('@')[0] ?? key;
          return Math.min(distance(q, key), distance(q, local));
        }),
      ),
    }))
    .sort((a, b) => a.score - b.score || a.p.mention.localeCompare(b.p.mention))
    .slice(0, MAX_CLOSEST)
    .map(({ p }) => (p.name && p.name !== p.mention ? `${p.mention} (${p.name})` : p.mention));
}

/** Whether a typed name (`@jane`, `jane@contoso.com`, `Jane`) names this person exactly. */
export const namesPerson = (typed: string, person: NamedPerson): boolean => {
  const q = bare(typed);
  return person.keys.some((k) => {
    const key = bare(k);
    return key === q || (!q.includes('@') && key.includes('@') && key.split('@')[0] === q);
  });
};

/**
 * `@alice` in the sandbox: a simulated person by first name, full name or email (`@alice`,
 * `@AliceAdmin`, `alice@contoso.example`); nobody by that name answers with the closest.
 */
import {
  closestPeople,
  type NamedPerson,
  namesPerson,
} from '../../bot/core/commands/closest-people.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import type { Mentioned } from '../../bot/core/usecases/chat-command.ts';
import { SANDBOX_PEOPLE } from '../entra-sim/sandbox-world.ts';

const PEOPLE: readonly (NamedPerson & { readonly id: string })[] = SANDBOX_PEOPLE.map((p) => {
  const first = p.name.split(' ')[0] ?? p.name;
  return {
    id: p.id,
    mention: `@${first.toLowerCase()}`,
    name: p.name,
    keys: [first, p.name, p.upn],
  };
});

export function sandboxMentions(directory: DirectoryLookup) {
  return async (mention: string): Promise<Mentioned> => {
    const person = PEOPLE.find((p) => namesPerson(mention, p));
    const principal = person ? await directory.findUser(person.id) : null;
    return principal ? { principal } : { principal: null, closest: closestPeople(mention, PEOPLE) };
  };
}

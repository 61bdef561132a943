/**
 * The policy of the eligibility-review end-to-end tests: three directory roles, a PIM group and
 * an Azure role; Bob reviews.
 */
import { POLICY } from './world.ts';

export const REVIEWS_POLICY = `${POLICY}
reviews:
  every: 30d
  dueIn: 2h
  reviewers: [bob@contoso.com]
  targets:
    - Exchange Administrator
    - Helpdesk Administrator
    - { target: Global Administrator, reviewers: [alice@contoso.com, bob@contoso.com] }
    - group Payments Oncall
    - Reader on rg-app
`;

/** The review ids in a card's JSON (`rv-<target>-<period>`). */
export const reviewIdIn = (json: string, target: string): string =>
  new RegExp(`(rv-${target}-\\d+)`).exec(json)?.[1] ?? '';

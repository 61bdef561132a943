/** The break-glass question as an Adaptive Card: what confirming does, and Confirm. */
import { safe } from './escape.ts';
import { type Card, SCHEMA } from './template.ts';

/** `confirmText` goes back in the action's data: `/elevate breakglass confirm <confirmText>`. */
export function breakglassConfirmCard(question: string, confirmText: string): Card {
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    body: [{ type: 'TextBlock', text: safe(question, 3000), wrap: true, weight: 'Bolder' }],
    actions: [
      {
        type: 'Action.Execute',
        title: 'Confirm',
        verb: 'breakglassConfirm',
        style: 'destructive',
        data: { text: confirmText },
        fallback: {
          type: 'Action.Submit',
          title: 'Confirm',
          data: { verb: 'breakglassConfirm', text: confirmText },
        },
      },
    ],
  };
}

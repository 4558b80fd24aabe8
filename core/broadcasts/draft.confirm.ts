import { previewStillFresh, STALE_PREVIEW_NOTE } from './broadcast.rules.ts';
import { z } from 'zod';
import { matchChoice } from '../conversation/command.match.ts';
import type { Turn } from '../conversation/conversation.turn.ts';
import type { DialogStateOf } from '../conversation/feature.types.ts';
import { type BroadcastScope, catalogWithin, describeScope, placesAtStart, sameVillages } from './broadcast.scope.ts';
import { placeCatalog, villagesInScope } from './broadcast.usecases.ts';
import { josa } from '../text/korean.text.ts';

/**
 * A broadcast or a notice typed in chat is a draft until its sender has seen where it goes and says "보내기": one
 * flow for both, each kind bringing its preview and its sending. Steps: `scope` (a place name opened the text: is it
 * the scope?) and `confirm` (the preview is shown: 보내기 or 고치기). Nothing is sent before `confirm` is answered.
 */
export const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('county') }),
  z.object({ kind: z.literal('districts'), codes: z.array(z.string()) }),
  z.object({ kind: z.literal('villages'), ids: z.array(z.number().int()) }),
]);

/** What every draft has: where it goes, its text, and the command text as typed (given back on 고치기). */
export type DraftBase = { scope: BroadcastScope; body: string; typed: string };

/** The scope offered at the `scope` step: choice 1 takes it, choice 2 keeps the draft's own (the widest). */
export const offerSchema = z.object({ scope: scopeSchema, choices: z.array(z.string()) });

export type DraftState<Draft extends DraftBase> = {
  draft: Draft;
  offer?: { scope: BroadcastScope; choices: string[] } | undefined;
  previewedAt?: string | undefined;
};

export type DraftKind<Draft extends DraftBase> = {
  dialog: string;
  /** The command word, for "고치기": "방송 보내기", "공지". */
  restart: string;
  /** "마을방송", "공지": what the draft is, in messages. */
  noun: string;
  /** Whether the draft may be sent at all; false when refused (the reason already replied). */
  check(turn: Turn, draft: Draft): Promise<boolean>;
  /** The preview message (without choices), or null when the draft is refused (the reason already replied). */
  preview(turn: Turn, draft: Draft): Promise<string | null>;
  /** Sends it and replies with the outcome. */
  send(turn: Turn, draft: Draft): Promise<void>;
};

const CONFIRM = ['보내기', '고치기'];

/**
 * Starts the flow for a draft addressed to the sender's widest scope (no place in brackets): when the text opens with
 * a place of the sender's own, that place is offered as the scope first; otherwise the preview is shown at once.
 */
export async function startDraft<Draft extends DraftBase>(
  turn: Turn,
  kind: DraftKind<Draft>,
  draft: Draft,
  opts: { offerPlaceAtStart: boolean },
): Promise<void> {
  if (!(await kind.check(turn, draft))) return;
  if (opts.offerPlaceAtStart) {
    const catalog = await placeCatalog({ tx: turn.tx });
    const widestVillages = await villagesInScope({ tx: turn.tx, scope: draft.scope });
    const found = placesAtStart(draft.body, catalogWithin(catalog, widestVillages));
    if (found && !sameVillages(await villagesInScope({ tx: turn.tx, scope: found.scope }), widestVillages)) {
      const named = found.names.join(', ');
      const choices = [`${named}에만`, `내 담당 전체(${describeScope(draft.scope, catalog)})`];
      await turn.setDialog({
        dialog: kind.dialog,
        step: 'scope',
        data: { draft, offer: { scope: found.scope, choices } } satisfies DraftState<Draft>,
      });
      return turn.reply({
        text: `글이 ${josa(`‘${named}’`, '으로/로')} 시작합니다. ${josa(`‘${named}’`, '을/를')} 받는 곳으로 할까요? 고르시기 전에는 보내지 않습니다.`,
        choices,
      });
    }
  }
  return showPreview(turn, kind, draft);
}

async function showPreview<Draft extends DraftBase>(
  turn: Turn,
  kind: DraftKind<Draft>,
  draft: Draft,
  lead = '',
): Promise<void> {
  const text = await kind.preview(turn, draft);
  if (text === null) return turn.setDialog(null);
  await turn.setDialog({
    dialog: kind.dialog,
    step: 'confirm',
    data: { draft, previewedAt: turn.now.toISOString() } satisfies DraftState<Draft>,
  });
  turn.reply({
    text: `${lead}${text}\n\n이대로 보내시려면 1(보내기), 고치시려면 2(고치기)를 보내 주세요. 그만두시려면 "취소".`,
    choices: CONFIRM,
  });
}

/** One answer to the flow: the scope chosen, or 보내기 / 고치기 on the preview (typed, or the choice's button). */
export async function draftStep<Draft extends DraftBase>(
  turn: Turn,
  kind: DraftKind<Draft>,
  state: DialogStateOf<DraftState<Draft>>,
  text: string,
): Promise<void> {
  const { draft, offer } = state.data;
  if (state.step === 'scope' && offer) {
    const i = matchChoice(text, offer.choices);
    if (i === null)
      return turn.reply({
        text: `받는 곳을 1이나 2로 골라 주세요. 그만두시려면 "취소"를 보내 주세요.`,
        choices: offer.choices,
      });
    return showPreview(turn, kind, i === 0 ? { ...draft, scope: offer.scope } : draft);
  }
  const i = matchChoice(text, CONFIRM);
  if (i === 1) {
    await turn.setDialog(null);
    return turn.reply(
      `${josa(kind.noun, '은/는')} 보내지 않았습니다. 고치신 글을 다시 보내 주세요. 보내려던 글:\n${kind.restart} ${draft.typed}`,
    );
  }
  if (i !== 0)
    return turn.reply({
      text: `아직 보내지 않았습니다. 보내시려면 1(보내기), 고치시려면 2(고치기)를 보내 주세요. 그만두시려면 "취소".`,
      choices: CONFIRM,
    });
  if (!previewStillFresh(state.data.previewedAt, turn.now))
    return showPreview(turn, kind, draft, `${STALE_PREVIEW_NOTE}\n\n`);
  await turn.setDialog(null);
  return kind.send(turn, draft);
}

/** "5명은 쉬는 중이라 11.25.(수) 07:00에 전해집니다." — with a range when quiet windows end at different times. */
export function heldLine(
  held: { count: number; first: Date | null; last: Date | null },
  when: (at: Date) => string,
): string {
  const { first, last } = held;
  const range = first ? `${when(first)}${last && last.getTime() !== first.getTime() ? `~${when(last)}` : ''}` : '';
  return `${held.count}명은 쉬는 중이라 ${range}에 전해집니다.`;
}

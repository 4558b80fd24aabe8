import { renderPlainText, type Button, type OutboundMessage } from '../../core/channel/channel.types.ts';
import { splitText } from '../../core/channel/text.split.ts';
import { KAKAO_LIMITS as L } from './kakao.facts.ts';

/**
 * Core messages as Kakao i Open Builder SkillResponse v2.0 templates, within Kakao's limits (kakao.facts.ts):
 * text in simpleText bubbles of at most 1,000 characters, a message's buttons as a textCard (at most 3; more become
 * quick replies), the last message's numbered choices as quick replies whose message text is the number, at most
 * 10 quick replies with labels of at most 14 characters, and at most 3 outputs a response: a longer answer is cut
 * into pages, each but the last ending with a "더 보기" quick reply (kakao.pages.ts keeps the rest).
 * https://kakaobusiness.gitbook.io/main/tool/chatbot/skill_guide/answer_json_format
 */
export type KakaoAction = { label: string; action: 'message'; messageText: string; extra?: Record<string, string> };
export type KakaoOutput =
  { simpleText: { text: string } } | { textCard: { title?: string; description: string; buttons: KakaoAction[] } };
export type SkillTemplate = { outputs: KakaoOutput[]; quickReplies?: KakaoAction[] };
export type SkillResponse =
  { version: '2.0'; template: SkillTemplate } | { version: '2.0'; useCallback: true; data: { text: string } };

/** The key of a button's command in `extra`: Kakao sends it back as `action.clientExtra`. */
export const COMMAND_EXTRA = 'command';
/** The quick reply that asks for the next page; its extra names the page (kakao.pages.ts). */
export const MORE_LABEL = '더 보기';
export const MORE_EXTRA = 'continue';

type Bubble = { text: string; buttons?: Button[] | undefined };

/** The pages of one answer: one SkillTemplate each, at most 3 outputs; quick replies of the last message on the last. */
export function toSkillPages(messages: OutboundMessage[]): SkillTemplate[] {
  const outputs: KakaoOutput[] = [];
  const overflow: KakaoAction[] = [];
  for (const bubble of merged(messages.flatMap(bubblesOf))) {
    if (!bubble.buttons?.length) {
      outputs.push({ simpleText: { text: bubble.text } });
      continue;
    }
    const buttons = bubble.buttons.slice(0, L.textCardButtons).map(commandAction);
    overflow.push(...bubble.buttons.slice(L.textCardButtons).map(commandAction));
    if (bubble.text.length <= L.textCardDescription) outputs.push({ textCard: { description: bubble.text, buttons } });
    else
      outputs.push(
        { simpleText: { text: bubble.text } },
        { textCard: { description: '아래 버튼을 눌러 주세요.', buttons } },
      );
  }
  const last = messages.at(-1);
  const quickReplies = [...overflow, ...(last?.choices ?? []).map(choiceAction)].slice(0, L.quickReplies);
  const pages: SkillTemplate[] = [];
  // A page that will get "더 보기" keeps room for nothing else: the quick replies go on the last page only.
  for (let i = 0; i < outputs.length; i += L.outputs) pages.push({ outputs: outputs.slice(i, i + L.outputs) });
  if (pages.length === 0) pages.push({ outputs: [] });
  const final = pages.at(-1);
  if (final && quickReplies.length) final.quickReplies = quickReplies;
  return pages;
}

/** The "더 보기" quick reply of a page that continues on request. */
export function moreAction(pageToken: string): KakaoAction {
  return { label: MORE_LABEL, action: 'message', messageText: MORE_LABEL, extra: { [MORE_EXTRA]: pageToken } };
}

/**
 * What an Event API message shows: the event's block prints `data.text` in one simpleText, so buttons and choices
 * are written out to be typed ("[확인] → "공지 확인 3""), and text over 1,000 characters takes several events.
 */
export function toEventTexts(messages: OutboundMessage[]): string[] {
  return splitText(messages.map(renderPlainText).join('\n\n'), L.simpleText);
}

function bubblesOf(message: OutboundMessage): Bubble[] {
  const parts = splitText(withNumberedChoices(message), L.simpleText);
  return parts.map((text, i) => ({ text, buttons: i === parts.length - 1 ? message.buttons : undefined }));
}

/** Short messages in a row share a bubble (fewer outputs, fewer pages); a message with buttons ends one. */
function merged(bubbles: Bubble[]): Bubble[] {
  const out: Bubble[] = [];
  for (const bubble of bubbles) {
    const previous = out.at(-1);
    const joined = previous ? `${previous.text}\n\n${bubble.text}` : '';
    if (previous && !previous.buttons?.length && joined.length <= L.simpleText)
      out[out.length - 1] = { text: joined, buttons: bubble.buttons };
    else out.push(bubble);
  }
  return out;
}

function withNumberedChoices(message: OutboundMessage): string {
  if (!message.choices?.length) return message.text;
  return [message.text, '', ...message.choices.map((label, i) => `${i + 1}. ${label}`)].join('\n');
}

/** A button: Kakao sends `messageText` as the utterance and `extra` as `action.clientExtra`. */
function commandAction(button: Button): KakaoAction {
  return {
    label: clip(button.label, L.buttonLabel),
    action: 'message',
    messageText: button.command,
    extra: { [COMMAND_EXTRA]: button.command },
  };
}

/** A numbered choice: the label shows "1. …", the reply is the number (which the dialogs read, as "1" typed). */
function choiceAction(label: string, i: number): KakaoAction {
  return { label: clip(`${i + 1}. ${label}`, L.quickReplyLabel), action: 'message', messageText: String(i + 1) };
}

function clip(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

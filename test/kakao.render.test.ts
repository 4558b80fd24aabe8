import { describe, expect, test } from 'vitest';
import { toEventTexts, toSkillPages } from '../bots/kakao/kakao.render.ts';
import type { OutboundMessage } from '../core/channel/channel.types.ts';
import { skillTemplateSchema } from './kakao/kakao.schema.ts';

/** Every page the renderer makes is a template Kakao accepts (the emulator's schema, written from Kakao's docs). */
function pagesOf(messages: OutboundMessage[]) {
  const pages = toSkillPages(messages);
  for (const page of pages) expect(skillTemplateSchema.safeParse(page).error?.message).toBeUndefined();
  return pages;
}
const textsOf = (pages: ReturnType<typeof toSkillPages>) =>
  pages.flatMap((p) => p.outputs.map((o) => ('simpleText' in o ? o.simpleText.text : o.textCard.description)));

describe('the Kakao renderer keeps to the SkillResponse limits', () => {
  test('numbered choices are written out and become quick replies answering the number, at most 10', () => {
    const choices = Array.from({ length: 14 }, (_, i) => `읍·면 이름이 아주 긴 곳 ${i + 1}`);
    const [page] = pagesOf([{ text: '읍·면을 골라 주세요.', choices }]);
    expect(textsOf([page!])[0]).toContain('14. 읍·면 이름이 아주 긴 곳 14');
    expect(page?.quickReplies).toHaveLength(10);
    expect(page?.quickReplies?.[0]).toEqual({ label: '1. 읍·면 이름이 아주…', action: 'message', messageText: '1' });
  });

  test('buttons become a textCard of at most 3, the rest quick replies, each carrying its command', () => {
    const buttons = Array.from({ length: 5 }, (_, i) => ({ label: `버튼 ${i + 1}`, command: `명령 ${i + 1}` }));
    const [page] = pagesOf([{ text: '공지입니다.', buttons }]);
    const card = page?.outputs[0];
    expect(card && 'textCard' in card ? card.textCard.buttons.map((b) => b.messageText) : []).toEqual([
      '명령 1',
      '명령 2',
      '명령 3',
    ]);
    expect(page?.quickReplies?.map((q) => q.extra)).toEqual([{ command: '명령 4' }, { command: '명령 5' }]);
  });

  test('a long text with buttons keeps its text in simpleText and the buttons in a card', () => {
    const [page] = pagesOf([{ text: '가'.repeat(600), buttons: [{ label: '확인', command: '공지 확인 3' }] }]);
    expect(page?.outputs.map((o) => Object.keys(o)[0])).toEqual(['simpleText', 'textCard']);
  });

  test('text over 1,000 characters is split; over 3 outputs it is cut into pages, nothing lost', () => {
    const paragraph = `${'마을 소식을 전합니다. '.repeat(30)}\n\n`;
    const text = paragraph.repeat(12);
    const pages = pagesOf([{ text, choices: ['예', '아니요'] }]);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((p) => p.outputs.length === 3 && !p.quickReplies)).toBe(true);
    expect(pages.at(-1)?.quickReplies?.map((q) => q.messageText)).toEqual(['1', '2']);
    const squash = (x: string) => x.replace(/\s+/g, '');
    expect(squash(textsOf(pages).join(''))).toBe(squash(`${text}1. 예2. 아니요`));
  });

  test('short messages in a row share one bubble', () => {
    const pages = pagesOf([{ text: '하나' }, { text: '둘' }, { text: '셋' }, { text: '넷' }]);
    expect(pages).toHaveLength(1);
    expect(textsOf(pages)).toEqual(['하나\n\n둘\n\n셋\n\n넷']);
  });

  test('an Event API message writes buttons out to be typed and splits at 1,000 characters', () => {
    const texts = toEventTexts([{ text: '공지입니다.', buttons: [{ label: '확인', command: '공지 확인 3' }] }]);
    expect(texts).toEqual(['공지입니다.\n\n[확인] → "공지 확인 3"']);
    const long = toEventTexts([{ text: '가나다라 '.repeat(500) }]);
    expect(long.length).toBe(3);
    expect(long.every((t) => t.length <= 1000)).toBe(true);
  });
});

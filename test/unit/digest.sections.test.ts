import { describe, expect, test } from 'vitest';
import {
  acceptSummary,
  type DigestSection,
  summaryFacts,
  templateSummary,
} from '../../core/digests/digest.sections.ts';

const section = (title: string, value: number, unit = '건'): DigestSection => ({
  key: title,
  title,
  headline: `${value}${unit}`,
  lines: ['· 고성1리 "비밀 본문"'],
  figures: [{ label: title, value, unit }],
});
const sections = [
  section('지난 하루 마을방송', 3),
  section('하루 넘게 기다리는 등록 신청', 0),
  section('새로 승인된 주민', 2, '명'),
];
const facts = summaryFacts({ audience: '군청 본청 담당자', period: '지난 하루', sections });

describe('the summary paragraph', () => {
  test('the template names the sections that have something, with their numbers', () => {
    expect(templateSummary(sections, '지난 하루')).toBe(
      '지난 하루 살펴보실 일: 지난 하루 마을방송 3건, 새로 승인된 주민 2명입니다.',
    );
    expect(templateSummary([section('등록', 0)], '이번 주')).toBe('이번 주 새로 살펴보실 일이 없습니다.');
    const stillOpen = {
      key: 'feedback',
      title: '주민 의견',
      headline: '',
      lines: [],
      figures: [
        { label: '새 의견', value: 0, unit: '건' },
        { label: '답변 전 의견', value: 2, unit: '건' },
      ],
    };
    expect(templateSummary([stillOpen], '이번 주')).toBe('이번 주 살펴보실 일: 주민 의견(답변 전 의견 2건)입니다.');
  });

  test('the model sees titles and counts only, never the lines people read', () => {
    expect(JSON.stringify(facts)).not.toContain('비밀 본문');
    expect(JSON.stringify(facts)).not.toContain('고성1리');
  });

  test.each([
    ['a paragraph with known numbers is used', '어제 마을방송 3건이 나갔고 새 주민 2명이 들어왔습니다.', true],
    ['a number the database did not give is refused', '마을방송 5건이 나갔습니다.', false],
    ['an empty answer is refused', '  ', false],
    ['an overlong answer is refused', '가'.repeat(401), false],
    ['a paragraph without numbers is used', '조용한 하루였습니다.', true],
  ])('%s', (_name, text, used) => {
    expect(acceptSummary(text, facts) !== null).toBe(used);
  });
});

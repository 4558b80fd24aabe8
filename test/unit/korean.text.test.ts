import { describe, expect, test } from 'vitest';
import { findTextProblems, josa, type Particle } from '../../core/text/korean.text.ts';

describe('a particle after a variable noun', () => {
  test.each<[string, Particle, string]>([
    // Words ending with and without a final consonant, and ㄹ with (으)로.
    ['한글 교실', '을/를', '한글 교실을'],
    ['스마트폰 기초', '을/를', '스마트폰 기초를'],
    ['마을회관', '이/가', '마을회관이'],
    ['고성1리 경로당', '으로/로', '고성1리 경로당으로'],
    ['개천면 주민자치센터', '으로/로', '개천면 주민자치센터로'],
    ['고성읍 마을', '으로/로', '고성읍 마을로'],
    ['서울', '으로/로', '서울로'],
    ['사과', '와/과', '사과와'],
    ['귤', '와/과', '귤과'],
    // A title in 「」: the particle follows the last syllable inside the brackets.
    ['「스마트폰 기초」', '을/를', '「스마트폰 기초」를'],
    ['「한글 교실」', '을/를', '「한글 교실」을'],
    ['「생활 속 법률」', '으로/로', '「생활 속 법률」로'],
    ['「주민참여형 자치교육 워크숍」', '은/는', '「주민참여형 자치교육 워크숍」은'],
    ['"11.25 09:00"', '을/를', '"11.25 09:00"를'],
    ['12.1.(화)', '은/는', '12.1.(화)은'],
    ['휴대전화 번호(010으로 시작)', '을/를', '휴대전화 번호(010으로 시작)를'],
    ['(화)', '은/는', '(화)는'],
    // Numbers are read the Sino-Korean way: 일 이 삼 사 … 십 백 천 만.
    ['#1', '을/를', '#1을'],
    ['#2', '을/를', '#2를'],
    ['마을방송 #4', '을/를', '마을방송 #4를'],
    ['#10', '이/가', '#10이'],
    ['7', '으로/로', '7로'],
    ['3', '으로/로', '3으로'],
    ['100', '와/과', '100과'],
    ['1,000', '은/는', '1,000은'],
    ['10000', '이/가', '10000이'],
    ['2026-000001', '이/가', '2026-000001이'],
    ['GS-2026-0001', '을/를', 'GS-2026-0001을'],
    ['1.5', '이/가', '1.5가'],
    // Times by their last unit: 열네 시, 여덟 시 삼십 분.
    ['12.10.(목) 14:00', '으로/로', '12.10.(목) 14:00로'],
    ['08:30', '으로/로', '08:30으로'],
    // Latin letters: known names by their reading, capitals letter by letter, other words by their spelling.
    ['LINE', '을/를', 'LINE을'],
    ['Discord', '으로/로', 'Discord로'],
    ['Discord', '이/가', 'Discord가'],
    ['URL', '을/를', 'URL을'],
    ['PDF', '이/가', 'PDF가'],
    ['GS', '은/는', 'GS는'],
    ['「엑셀 기초 Excel」', '을/를', '「엑셀 기초 Excel」을'],
    ['「스마트폰 Zoom」', '으로/로', '「스마트폰 Zoom」으로'],
    ['「유튜브 Google」', '으로/로', '「유튜브 Google」로'],
    ['「Kakao」', '을/를', '「Kakao」를'],
  ])('%s + %s → %s', (noun, particle, expected) => {
    expect(josa(noun, particle)).toBe(expected);
  });
});

describe('the checker of a message', () => {
  test.each([
    ['「스마트폰 기초」을 만들었습니다.', 'particle'],
    ['마을방송 #4을 보냈습니다.', 'particle'],
    ['교육 #1를 찾지 못했습니다.', 'particle'],
    ['「한글 교실」를 취소했습니다.', 'particle'],
    ['「생활 속 법률」으로 바꿨습니다.', 'particle'],
    ['주민 30명가 신청했습니다.', 'particle'],
    ['LINE를 쓰시는 분', 'particle'],
    ['「…」을(를) 수료하셨습니다.', 'fallback'],
    ['11.25.(수) 09:00은(는) 이미 지난 시각입니다.', 'fallback'],
    ['예약 시각(으)로 보냅니다', 'fallback'],
    ['■ 교육 신청 신청 1명 · 다가오는 교육 0건', 'repeat'],
    ['■ 주민 의견 새 의견 1건 · 답변 전 0건', 'repeat'],
  ])('finds the problem in %s', (text, kind) => {
    expect(findTextProblems(text).map((p) => p.kind)).toContain(kind);
  });

  test.each([
    '「스마트폰 기초」를 만들었습니다. 12.10.(목) 14:00, 마을회관, 정원 20명.',
    '마을방송 #4를 보냈습니다. 주민 3명, 마을방 1곳에 전합니다.',
    '교육 #10이 취소되었습니다. "교육"을 보내 보세요.',
    '1이나 2를 보내 주세요. 그만두시려면 "취소"를 보내 주세요.',
    '휴대전화 번호(010으로 시작)를 입력해 주세요.',
    '모아 받는 시각을 08:30으로 바꿨습니다. 알림 쉬는 시간을 22:00 ~ 07:00로 바꿨습니다.',
    '의견 2026-000001이 종결되었습니다. 해결되셨나요?',
    '■ 교육 신청 새로 1명 · 다가오는 교육 2건\n· 12.1.(화) 10:00 「한글 교실」 — 확정 3/20',
    // Ordinary words before a particle are not judged: they may be verbs or fixed expressions.
    '사이가 좋은 이웃이 많습니다. 나는 가는 길입니다.',
  ])('leaves a correct message alone: %s', (text) => {
    expect(findTextProblems(text)).toEqual([]);
  });
});

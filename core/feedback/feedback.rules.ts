import type { FeedbackCategory } from '../../db/schema/feedback.schema.ts';

/** What triage decides about an item: by the model, or by these rules when there is none or it fails. */
export type Triage = { category: FeedbackCategory; urgent: boolean; summary: string };

export const categoryKo: Record<FeedbackCategory, string> = {
  road: '도로·교통',
  environment: '환경·쓰레기',
  welfare: '복지·돌봄',
  safety: '안전·재난',
  farming: '농업',
  admin: '행정',
  other: '기타',
};

// Ordered: on a tie the earlier category wins (a danger on a road is a road matter, flagged urgent).
const keywords: [FeedbackCategory, RegExp][] = [
  ['road', /도로|길에|골목|포장|구멍|포트홀|신호등|교통|버스|주차|가로등|인도|횡단보도|교량|다리가|제설|빙판/g],
  ['environment', /쓰레기|분리수거|악취|냄새|소음|오염|폐기물|투기|청소|매연|미세먼지|하수|오물/g],
  ['welfare', /복지|돌봄|어르신|노인|장애|기초생활|요양|경로당|다문화|육아|독거|식사|도시락|방문간호/g],
  ['safety', /화재|산불|불이|붕괴|침수|홍수|태풍|낙석|사고|안전|재난|가스|누전|멧돼지|대피|무너/g],
  ['farming', /농업|농사|농기계|비료|농약|벼|논에|밭에|축사|가축|과수|병해충|수매|농로|저수지/g],
  ['admin', /민원|서류|증명서|신청서|세금|등본|행정|전입|공무원|발급|수수료/g],
];
const URGENT = /위험|긴급|급합|급해|당장|다쳤|다칠|사고|화재|불이 났|붕괴|무너|침수|가스 ?(?:냄새|누출)|쓰러/;

/**
 * Offline triage (도로·교통, 환경·쓰레기, 복지·돌봄, 안전·재난, 농업, 행정, 기타): the keyword with the most hits names the
 * category; words of danger make it urgent. The summary is the first sentence, already scrubbed by the caller.
 */
export function triageByRules(text: string): Triage {
  let best: FeedbackCategory = 'other';
  let bestHits = 0;
  for (const [category, pattern] of keywords) {
    const hits = text.match(pattern)?.length ?? 0;
    if (hits > bestHits) [best, bestHits] = [category, hits];
  }
  return { category: best, urgent: URGENT.test(text), summary: firstSentence(text) };
}

export function firstSentence(text: string, max = 40): string {
  const sentence = text.trim().split(/(?<=[.!?。])\s|\n/u)[0] ?? '';
  const chars = [...sentence.trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

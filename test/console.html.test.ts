import { describe, expect, test } from 'vitest';
import { html, raw, renderPage } from '../bots/console/console.html.ts';
import { readsAudit, subjectInWords } from '../core/audit/audit.rules.ts';
import type { RoleGrant } from '../core/auth/authz.policy.ts';
import {
  IDLE_MS,
  LINK_TTL_MS,
  createRateLimit,
  isIdle,
  linkVerdict,
  sameToken,
  tokenHash,
} from '../core/console/console.rules.ts';
import { opensConsole } from '../core/console/console.usecases.ts';

/** The console's pure parts: the escaping template, the link and session rules, who opens the console and 기록. */
describe('the html template', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"quoted" & 'single'`, '&quot;quoted&quot; &amp; &#39;single&#39;'],
    [42, '42'],
    [null, ''],
    [undefined, ''],
    [false, ''],
  ])('escapes %j', (value, expected) => {
    expect(html`<p>${value}</p>`.value).toBe(`<p>${expected}</p>`);
  });

  test('nests templates without escaping them twice, and joins arrays', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(
      html`<ul>
        ${items}
      </ul>`.value.replace(/\s+/g, ''),
    ).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  test('keeps raw markup we wrote ourselves, escapes attribute values', () => {
    expect(html`<a href="${'/x?a=1&b="2"'}">${raw('<b>굵게</b>')}</a>`.value).toBe(
      '<a href="/x?a=1&amp;b=&quot;2&quot;"><b>굵게</b></a>',
    );
  });

  test('the layout is Korean, responsive, and escapes the title', () => {
    const page = renderPage({ title: '<의견>', viewer: null, csrf: '', body: html`<p>본문</p>` });
    expect(page).toContain('<html lang="ko">');
    expect(page).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(page).toContain('<title>&lt;의견&gt; · 마을 콘솔</title>');
    expect(page).toContain('/console/assets/console.css');
  });
});

describe('links and sessions', () => {
  const now = new Date('2026-11-24T01:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  test.each([
    [null, 'unknown'],
    [{ expiresAt: at(LINK_TTL_MS), usedAt: null }, 'valid'],
    [{ expiresAt: at(1), usedAt: null }, 'valid'],
    [{ expiresAt: now, usedAt: null }, 'expired'],
    [{ expiresAt: at(LINK_TTL_MS), usedAt: now }, 'used'],
  ] as const)('link %j is %s', (link, verdict) => {
    expect(linkVerdict(link, now)).toBe(verdict);
  });

  test.each([
    [0, false],
    [IDLE_MS - 1, false],
    [IDLE_MS, true],
  ])('a session last seen %i ms ago is idle: %s', (ago, idle) => {
    expect(isIdle(new Date(now.getTime() - ago), now)).toBe(idle);
  });

  test('hashes are hex SHA-256; tokens compare exactly', () => {
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
  });

  test('the rate limit counts per key within its window', () => {
    let t = now.getTime();
    const limit = createRateLimit({ max: 2, windowMs: 1000, now: () => new Date(t) });
    expect([limit.allow('a'), limit.allow('a'), limit.allow('a'), limit.allow('b')]).toEqual([true, true, false, true]);
    t += 1000;
    expect(limit.allow('a')).toBe(true);
  });
});

describe('who opens the console and reads 기록', () => {
  const g = (role: RoleGrant['role']): RoleGrant[] => [
    {
      role,
      villageId: role === 'village_head' ? 1 : null,
      districtCode: role === 'county_staff' || role === 'admin' ? null : 'goseong-eup',
    },
  ];
  test.each([
    ['village_head', true, false],
    ['district_staff', true, false],
    ['county_staff', true, true],
    ['admin', true, true],
  ] as const)('%s: console %s, 기록 %s', (role, console, audit) => {
    expect(opensConsole(g(role))).toBe(console);
    expect(readsAudit(g(role))).toBe(audit);
  });
  test('a resident without a role opens neither', () => {
    expect(opensConsole([])).toBe(false);
    expect(readsAudit([])).toBe(false);
  });
});

describe('기록 names what was acted on in words', () => {
  test.each([
    ['feedback:2026-000123', '의견 2026-000123'],
    ['registration:12', '등록 신청 #12'],
    ['broadcast:3', '마을방송 #3'],
    ['notice:4', '공지 #4'],
    ['workshop:5', '교육 #5'],
    ['other:1', 'other:1'],
    ['plain', 'plain'],
  ])('%s → %s', (subject, words) => {
    expect(subjectInWords(subject)).toBe(words);
  });
});

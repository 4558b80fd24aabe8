import type { UnitPrices } from './phone.rules.ts';

/**
 * The county's unit prices (PRICE_SMS_WON, PRICE_LMS_WON, PRICE_VOICE_WON, PRICE_KAKAO_WON), set once at start by the
 * composition root's phone channel; the defaults (the providers' published list prices, rounded up) stand until then,
 * so that a county without the phone channel still sees KakaoTalk's estimate.
 */
export const DEFAULT_UNIT_PRICES: UnitPrices = { sms: 20, lms: 50, voice: 60, kakao: 15 };

let current: UnitPrices = DEFAULT_UNIT_PRICES;

export function setUnitPrices(prices: UnitPrices): void {
  current = { ...prices };
}

export function unitPrices(): UnitPrices {
  return current;
}

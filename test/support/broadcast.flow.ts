import type { simClient } from './sim.client.ts';

type Sim = ReturnType<typeof simClient>;

/**
 * Types a broadcast or a notice ("방송 보내기 …", "공지 …") in the sender's 1:1 chat and, when the bot answers with its
 * preview, confirms it with 1 (보내기), as staff do. Returns the bot's answer to the confirmation, or its first answer
 * when there was nothing to confirm (a refusal). A scope question is not answered here: the test must choose.
 */
export async function sendConfirmed(sim: Sim, who: string, text: string): Promise<string[]> {
  const first = await sim.sayFull(who, text);
  const asked = first.at(-1);
  if (!asked?.choices?.length) return first.map((m) => m.text);
  if (!asked.choices.includes('보내기'))
    throw new Error(`the bot asked something before the preview: ${asked.text} (${asked.choices.join(' / ')})`);
  return sim.say(who, '1');
}

export const sendBroadcast = (sim: Sim, who: string, text: string) => sendConfirmed(sim, who, text);
export const sendNotice = (sim: Sim, who: string, text: string) => sendConfirmed(sim, who, text);

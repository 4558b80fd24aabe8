import { simClient } from './sim.client.ts';

/** Walks the registration dialog with valid answers; returns the persona id and the bot's last answer. */
export async function registerResident(
  sim: ReturnType<typeof simClient>,
  input: { nickname: string; name: string; mobile: string; district?: string; village?: string },
): Promise<{ id: string; last: string[] }> {
  const { id } = await sim.newPersona(input.nickname);
  for (const answer of ['등록', '1', input.name, input.mobile, input.district ?? '1', input.village ?? '1']) await sim.say(id, answer);
  return { id, last: await sim.say(id, '1') };
}

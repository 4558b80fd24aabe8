import { simClient } from './sim.client.ts';

/** Walks the registration dialog with valid answers; returns the persona id and the bot's last answer. */
export async function registerResident(
  sim: ReturnType<typeof simClient>,
  input: { nickname: string; name: string; mobile: string; district?: string; village?: string },
): Promise<{ id: string; last: string[] }> {
  const { id } = await sim.newPersona(input.nickname);
  for (const answer of ['등록', '1', input.name, input.mobile, input.district ?? '1', input.village ?? '1'])
    await sim.say(id, answer);
  return { id, last: await sim.say(id, '1') };
}

/** The village head presses 승인 on the latest request they received (the one just made). */
export async function approveLatest(sim: ReturnType<typeof simClient>, head: string): Promise<void> {
  const request = (await sim.chat('direct', head)).at(-1);
  const id = /#(\d+)/.exec(request?.text ?? '')?.[1];
  if (!id) throw new Error(`no registration request reached ${head}`);
  await sim.press(head, `승인 ${id}`);
}

/** A resident registered through the dialog and approved by the head of their village. */
export async function registerApproved(
  sim: ReturnType<typeof simClient>,
  input: Parameters<typeof registerResident>[1] & { head: string },
): Promise<string> {
  const { id } = await registerResident(sim, input);
  await approveLatest(sim, input.head);
  return id;
}

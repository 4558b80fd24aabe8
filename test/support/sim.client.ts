import type { TranscriptEntry } from '../../bots/websim/websim.transcript.ts';

/** Drives the simulator's JSON API the way the browser page does. */
export function simClient(baseUrl: string) {
  async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }
  async function send(body: Record<string, unknown>): Promise<TranscriptEntry[]> {
    const { status, json } = await post('/api/sim/messages', body);
    if (status !== 200) throw new Error(`simulator answered ${status}: ${JSON.stringify(json)}`);
    return json.messages as TranscriptEntry[];
  }
  return {
    post,
    /** Says something in the person's 1:1 chat and returns the bot's answers (texts). */
    async say(from: string, text: string): Promise<string[]> {
      return (await send({ from, text })).map((m) => m.text);
    },
    async sayFull(from: string, text: string): Promise<TranscriptEntry[]> {
      return send({ from, text });
    },
    async press(from: string, command: string): Promise<string[]> {
      return (await send({ from, command })).map((m) => m.text);
    },
    async sayInGroup(from: string, chat: string, text: string): Promise<string[]> {
      return (await send({ from, chat, text })).map((m) => m.text);
    },
    async chat(kind: 'direct' | 'group', id: string): Promise<TranscriptEntry[]> {
      const res = await fetch(`${baseUrl}/api/sim/chats/${kind}/${id}/messages`);
      return ((await res.json()) as { messages: TranscriptEntry[] }).messages;
    },
    async newPersona(nickname: string): Promise<{ id: string; messages: TranscriptEntry[] }> {
      const { status, json } = await post('/api/sim/personas', { nickname });
      if (status !== 201) throw new Error(`persona not created: ${status}`);
      return { id: json.persona.id as string, messages: json.messages as TranscriptEntry[] };
    },
  };
}

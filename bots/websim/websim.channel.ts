import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChannelSender } from '../../core/channel/channel.port.ts';
import { listLinkedGroups, listPlatformMembers } from '../../core/members/member.directory.ts';
import type { ChannelModule } from '../channel.registry.ts';
import { createTranscript, directChatKey, groupChatKey, type Transcript } from './websim.transcript.ts';
import { simFollow, simMessageSchema, simToInbound } from './websim.translate.ts';

const PLATFORM = 'websim';
const page = fileURLToPath(new URL('./websim.page.html', import.meta.url));

/**
 * The local web chat simulator: a channel like any other, behind the same port, with a small JSON API (README,
 * "Simulator API") that the browser page and the tests drive.
 */
export const websimChannel: ChannelModule = {
  id: PLATFORM,
  enabled: () => true,
  async start(ctx) {
    const transcript = createTranscript();
    const sender = createWebsimSender(transcript, () => ctx.deps.clock.now());
    const router = express.Router();
    router.use('/api/sim', express.json({ limit: '64kb' }));

    router.get('/', (_req, res) => res.sendFile(page));

    router.get('/api/sim/personas', async (_req, res) => {
      res.json({ personas: await listPlatformMembers(ctx.deps.db, PLATFORM) });
    });

    router.post('/api/sim/personas', async (req, res) => {
      const body = z.object({ nickname: z.string().trim().min(1).max(40) }).safeParse(req.body);
      if (!body.success) return badRequest(res, '별명을 1~40자로 입력해 주세요.');
      const id = `sim-${randomUUID().slice(0, 8)}`;
      const since = transcript.lastSeq();
      const { handled } = await ctx.inbound.accept(simFollow(id, body.data.nickname, ctx.deps.clock.now()));
      await handled;
      await ctx.flushDeliveries();
      res
        .status(201)
        .json({ persona: { id, nickname: body.data.nickname }, messages: transcript.after(directChatKey(id), since) });
    });

    router.get('/api/sim/groups', async (_req, res) => {
      res.json({ groups: await listLinkedGroups(ctx.deps.db, PLATFORM) });
    });

    router.get('/api/sim/chats/:kind/:id/messages', (req: Request<{ kind: string; id: string }>, res) => {
      const { kind, id } = req.params;
      if (kind !== 'direct' && kind !== 'group') return badRequest(res, 'kind must be direct or group');
      const after = Number(req.query.after ?? 0) || 0;
      res.json({ messages: transcript.after(kind === 'direct' ? directChatKey(id) : groupChatKey(id), after) });
    });

    router.post('/api/sim/messages', async (req, res) => {
      const parsed = simMessageSchema.safeParse(req.body);
      if (!parsed.success)
        return badRequest(res, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const message = parsed.data;
      const chatKey = message.chat === 'direct' ? directChatKey(message.from) : groupChatKey(message.chat);
      const since = transcript.lastSeq();
      const now = ctx.deps.clock.now();
      transcript.append(
        chatKey,
        { from: message.from, nickname: message.nickname, text: message.text ?? `[${message.command}]` },
        now,
      );
      const { handled } = await ctx.inbound.accept(simToInbound(message, now));
      await handled;
      await ctx.flushDeliveries();
      res.json({ messages: transcript.after(chatKey, since).filter((e) => e.from === 'bot') });
    });

    return { sender, router, stop: async () => {} };
  },
};

function badRequest(res: Response, error: string): void {
  res.status(400).json({ error });
}

export function createWebsimSender(transcript: Transcript, now: () => Date): ChannelSender {
  return {
    platform: PLATFORM,
    canPush: true,
    async send(request) {
      const key = request.to.type === 'direct' ? directChatKey(request.to.id) : groupChatKey(request.to.id);
      for (const message of request.messages) transcript.appendBot(key, message, now());
      return { ok: true };
    },
  };
}

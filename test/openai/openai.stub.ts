import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How the stub answers the next requests. `json`: a structured answer (the assistant content is this JSON). */
export type StubAnswer =
  | { kind: 'json'; content: unknown }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  /** Never answers (until the stub closes): the client's timeout must fire. */
  | { kind: 'hang' };

export type OpenAiStub = {
  /** Base URL for the OpenAI client, ending in /v1. */
  baseURL: string;
  /** Every request body received on POST /v1/chat/completions, parsed, in order. */
  requests: Record<string, unknown>[];
  /** Answers every following request this way (default: a `json` answer of `{}`). */
  answer(next: StubAnswer): void;
  /** The text of every request, for asserting what never left (names, numbers). */
  sentText(): string;
  close(): Promise<void>;
};

/**
 * A local OpenAI-compatible endpoint for tests: POST /v1/chat/completions answers a chat completion whose content
 * is what the test chose, or an error status, or nothing. It records what it was sent, so a test can check that
 * no personal data left. Shared by every feature that talks to a model.
 */
export async function startOpenAiStub(): Promise<OpenAiStub> {
  let next: StubAnswer = { kind: 'json', content: {} };
  const requests: Record<string, unknown>[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => respond(req, res, body));
  });
  const respond = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
    requests.push(parsed);
    const answer = next;
    if (answer.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (answer.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
      res
        .writeHead(answer.status, headers)
        .end(JSON.stringify({ error: { message: `stub status ${answer.status}`, type: 'stub_error', code: null } }));
      return;
    }
    const content = answer.kind === 'json' ? JSON.stringify(answer.content) : answer.content;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-stub-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: typeof parsed.model === 'string' ? parsed.model : 'stub',
        choices: [
          { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    answer(answer) {
      next = answer;
    },
    sentText: () => JSON.stringify(requests),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A short paragraph written by a language model over aggregate facts. The port only ever receives what is in
 * `SummaryFacts` — section titles and counts — so no name, number or message text can reach a model through it.
 */
export type SummaryFigure = { label: string; value: number; unit: string };
export type SummaryFacts = {
  /** Who reads it, e.g. "군청 본청 담당자", "고성읍 담당자" (places are public, people are not). */
  audience: string;
  /** e.g. "11.24.(화) 아침, 지난 하루". */
  period: string;
  sections: { title: string; figures: SummaryFigure[] }[];
};

export type SummaryWriter = {
  /** The paragraph, or null when no model is configured or it failed, timed out or answered nothing usable. */
  summarize(facts: SummaryFacts): Promise<string | null>;
};

/** No model configured: every digest uses its plain template. */
export const noSummaryWriter: SummaryWriter = { summarize: async () => null };

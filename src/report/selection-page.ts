// The `transferlab select --out DIR` page: the choice and its reasons, then every candidate's validator scores.
import type { ReportPage, Cell } from "./html.js";

/** The parts of a selection run the page shows (src/experiment/select.ts SelectRun). */
export interface SelectionView {
  validators: string[];
  split: { sourceTrain: number; sourceVal: number; targetInputs: number; targetLabelled: number; folds: number };
  candidates: { label: string; seconds: number; scores: Record<string, { score: number; se: number | null } | { unavailable: string } | undefined> }[];
  choice: { rule: string; best: string; pick: string; guarded: boolean; reasons: string[] };
  notes: string[];
}

export function selectionPage(r: SelectionView, title: string): ReportPage {
  const cell = (s: SelectionView["candidates"][number]["scores"][string]): Cell => (s && "score" in s ? `${s.score.toFixed(3)}${s.se !== null ? ` ± ${s.se.toFixed(3)}` : ""}` : "—");
  return {
    title,
    subtitle: `source ${r.split.sourceTrain} training + ${r.split.sourceVal} validation rows; target ${r.split.targetInputs} inputs, ${r.split.targetLabelled} labelled`,
    verdict: { tone: r.choice.guarded ? "warning" : "positive", headline: `chosen: ${r.choice.pick}`, text: r.choice.guarded ? `The guard fell back to a baseline: ${r.choice.best} was best under ${r.choice.rule} but not by more than its uncertainty.` : `Best under ${r.choice.rule}, and it passed the guard.` },
    sections: [
      { heading: "Why", blocks: [{ kind: "list", items: r.choice.reasons }] },
      {
        heading: "Candidates",
        blocks: [{
          kind: "table", columns: ["candidate", ...r.validators, "seconds"],
          rows: r.candidates.map((c) => [c.label === r.choice.pick ? `${c.label} (chosen)` : c.label, ...r.validators.map((v) => cell(c.scores[v])), Number(c.seconds.toFixed(2))]),
          note: "score ± standard error; higher is better for every validator. No target-test label was read.",
        }],
      },
      ...(r.notes.length ? [{ heading: "Notes", blocks: [{ kind: "list" as const, items: r.notes }] }] : []),
    ],
  };
}

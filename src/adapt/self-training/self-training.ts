// Self-training by pseudo-labelling, for any estimator: fit on the labelled data, label the unlabelled target
// points the model is confident about, refit, repeat. Class balancing follows class-balanced self-training
// (Zou, Yu, Kumar & Wang, ECCV 2018): in round r of R, each class admits at most the top r/R fraction of the
// target points predicted as that class, so a dominant class cannot swallow the pseudo-labels; every admitted
// point must also reach the confidence threshold. Pseudo-labels are recomputed from scratch each round.
import { z } from "zod";
import { Matrix } from "../../core/matrix.js";
import { nestedStratifiedOrder, nestedStratifiedSubset } from "../../core/domain.js";
import type { Estimator } from "../../estimators/index.js";
import { defineMethod, concatLabels, numClassesOf, throwIfAborted } from "../base.js";

const withProbabilities = (e: Estimator): Estimator => e.withProbabilities?.() ?? e;

export const selfTraining = defineMethod({
  name: "self-training",
  family: "self-training",
  needs: "unlabelled",
  description: "pseudo-label confident target points (confidence threshold, class-balanced) and retrain, for any estimator",
  reference: "Zou, Yu, Kumar & Wang, Unsupervised Domain Adaptation for Semantic Segmentation via Class-Balanced Self-Training, ECCV 2018",
  params: z.object({
    threshold: z.number().min(0).max(1).default(0.8).describe("minimum predicted probability for a pseudo-label"),
    rounds: z.number().int().positive().default(5).describe("pseudo-labelling rounds"),
    balance: z.boolean().default(true).describe("class balancing: per class at most the top r/rounds fraction in round r"),
    useSource: z.boolean().default(true).describe("train on the labelled source too (false: target labels + pseudo-labels only)"),
    rankingRows: z.number().int().nonnegative().default(2000).describe("big sources: the rounds' ranking models train on a stratified sample of this many source rows (0 = all); the final model uses every row"),
  }),
  async plan(data, p, ctx) {
    const { source, target, targetLabelled } = data;
    const k = numClassesOf(data);
    const baseX: Matrix[] = [];
    const baseY: Int32Array[] = [];
    // A probabilistic SVC costs ~6 plain fits (libsvm's Platt scaling cross-validates 5 folds) and grows ~n² with the
    // rows: on a big source the rounds, which only rank target points, train on a stratified source sample.
    const notes: string[] = [];
    const rankSource = p.useSource && p.rankingRows > 0 && source.X.rows > p.rankingRows
      ? Int32Array.from(nestedStratifiedSubset(nestedStratifiedOrder(source.y, k, ctx.rng.fork("self-training:ranking-rows")), p.rankingRows)) : null;
    if (rankSource) notes.push(`self-training: the ranking models of the rounds trained on a stratified sample of ${rankSource.length} of ${source.X.rows} source rows (rankingRows); the final model on every source row`);
    if (p.useSource) { baseX.push(rankSource ? source.X.takeRows(rankSource) : source.X); baseY.push(rankSource ? Int32Array.from(rankSource, (i) => source.y[i]!) : source.y); }
    if (targetLabelled && targetLabelled.X.rows > 0) { baseX.push(targetLabelled.X); baseY.push(targetLabelled.y); }
    if (baseX.length === 0) { baseX.push(source.X); baseY.push(source.y); }
    const X0 = Matrix.vstack(baseX);
    const y0 = baseY.reduce((a, b) => concatLabels(a, b), new Int32Array(0));
    const nt = target.X.rows;
    let chosen = new Int32Array(0);
    let pseudo = new Int32Array(0);
    const perRound: number[] = [];
    for (let r = 1; r <= p.rounds; r++) {
      throwIfAborted(ctx.signal);
      const X = chosen.length ? Matrix.vstack([X0, target.X.takeRows(chosen)]) : X0;
      const y = chosen.length ? concatLabels(y0, pseudo) : y0;
      if (new Set(y).size < 2) break; // one class only: nothing to discriminate, keep what we have
      // Ranking needs probabilities: the context's probabilistic factory, else the estimator's own variant (an
      // SVC refits with Platt scaling), so a library caller need not pass one by hand.
      const est = ctx.probabilisticEstimator?.() ?? withProbabilities(ctx.estimator());
      await est.fit(X, y, { numClasses: k, rng: ctx.rng.fork(`self-training:${r}`), signal: ctx.signal, memoryBudget: ctx.memoryBudget });
      const P = est.predictProba(target.X);
      const C = P.cols;
      const pred = new Int32Array(nt), conf = new Float64Array(nt);
      for (let i = 0; i < nt; i++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (P.data[i * C + c]! > P.data[i * C + best]!) best = c;
        pred[i] = best;
        conf[i] = P.data[i * C + best]!;
      }
      const take: number[] = [];
      for (let c = 0; c < C; c++) {
        const members: number[] = [];
        for (let i = 0; i < nt; i++) if (pred[i] === c) members.push(i);
        // Most confident first; ties by index so the choice is deterministic.
        members.sort((a, b) => conf[b]! - conf[a]! || a - b);
        const quota = p.balance ? Math.floor((members.length * r) / p.rounds) : members.length;
        for (let q = 0; q < quota && conf[members[q]!]! >= p.threshold; q++) take.push(members[q]!);
      }
      take.sort((a, b) => a - b);
      chosen = Int32Array.from(take);
      pseudo = Int32Array.from(take, (i) => pred[i]!);
      perRound.push(take.length);
      ctx.progress?.(r / p.rounds, `self-training: round ${r}/${p.rounds}, ${take.length} target points pseudo-labelled`);
    }
    // The final training set: every source row (not only the ranking sample), the target labels, the pseudo-labels.
    const full = rankSource ? Matrix.vstack([source.X, ...baseX.slice(1)]) : X0;
    const fullY = rankSource ? baseY.slice(1).reduce((a, b) => concatLabels(a, b), source.y) : y0;
    const X = chosen.length ? Matrix.vstack([full, target.X.takeRows(chosen)]) : full;
    const y = chosen.length ? concatLabels(fullY, pseudo) : fullY;
    return {
      X, y,
      notes: [...notes, `self-training: ${chosen.length} of ${nt} target points pseudo-labelled (per round: ${perRound.join(", ")})`],
      details: { pseudoLabelled: chosen, pseudoLabels: pseudo, perRound },
    };
  },
});


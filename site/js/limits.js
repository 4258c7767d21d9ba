// Sections X–XIII: the step sweep, infilling, what learning every order costs, and the limits.
// Each draws the build's frames at once and goes live when the worker has the checkpoints.

import { InfillView } from "./views/infill.js";
import { LimitsView } from "./views/limits.js";
import { renderStudies } from "./views/studies.js";
import { SweepView } from "./views/sweep.js";

/** ctx: {frames, uPlot, views, train, settings, dataset}; returns {live(client)}. */
export function mountLimits(ctx) {
  const $ = (s) => document.querySelector(s);
  const sweep = new SweepView($("#sweep"), ctx);
  const infill = new InfillView($("#infill"), ctx);
  renderStudies($("#likelihood"), ctx.frames.studies);
  const limits = new LimitsView($("#limits"), ctx);
  // Section VIII announces every race; the streaming and cost tables follow it.
  $("#race").addEventListener("pytoy:race", (e) => limits.showRace(e.detail));
  Object.assign(ctx.views, { sweep, infill, limits });
  return {
    async live(client) {
      sweep.live(client);
      infill.live(client);
      limits.live(client);
    },
  };
}

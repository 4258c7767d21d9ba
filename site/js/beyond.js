// Sections VIII and IX: the race between the AR baseline and the diffusion model, and the
// strategy lab with its confidence chart. Both draw the build's frames at once and go live
// when the shipped checkpoints are loaded in the worker.

import { LabView } from "./views/lab.js";
import { RaceView } from "./views/race.js";

/** ctx: {frames, uPlot, views, train, settings, dataset}; returns {live(client)}. */
export function mountBeyond(ctx) {
  const race = new RaceView(document.querySelector("#race"), ctx);
  const lab = new LabView(document.querySelector("#strategies"), ctx);
  Object.assign(ctx.views, { race, lab });
  return {
    async live(client) {
      lab.live(client);
      await race.live(client);
    },
  };
}

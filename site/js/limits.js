// Sections X–XIII (the step sweep, infilling, likelihood and the t ablation, the limits).
// main.js calls mount() once the build's frames are drawn (Python not ready yet) and the
// returned live(client) once the shipped checkpoints are loaded in the worker.

/** ctx: {frames, uPlot, views, train, settings}; returns {live(client)}. */
export function mountLimits(ctx) {
  void ctx;
  return {
    async live(client) {
      void client;
    },
  };
}

// Sections the classroom tools (presenter mode, own data, export/import, section XIV's editable Python).
// main.js calls mount() once the build's frames are drawn (Python not ready yet) and the
// returned live(client) once the shipped checkpoints are loaded in the worker.

/** ctx: {frames, uPlot, views, train, settings}; returns {live(client)}. */
export function mountClassroom(ctx) {
  void ctx;
  return {
    async live(client) {
      void client;
    },
  };
}

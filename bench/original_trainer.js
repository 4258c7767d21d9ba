// Baseline only (never shipped): a plain-JS copy of the original explainer's trainer, so our
// Python-in-the-browser can be compared with it in the same Chromium.
//
// Per-example SGD on the same MLP: 22 symbols (a–z subset + `_` pad + `?` mask), length 7,
// embedding 8, hidden 128, tanh, the noise level t appended to the input, L·V outputs, the
// cross-entropy averaged over all 7 positions. Float64Array throughout; loops written the
// way a careful hand-written JS trainer is (flat typed arrays, no allocation per step), so
// the comparison is fair to the original (~14,700 examples/s on the reference machine).
//
// Usable as an ES module in a page (`trainOriginal(names, opts)`) and from Node.

export function trainOriginal(names, { epochs = 500, lr = 0.05, seed = 1, onEpoch = null } = {}) {
  const L = 7, E = 8, H = 128;
  const chars = [...new Set(names.join(""))].sort();
  const PAD = chars.length, MASK = chars.length + 1, V = chars.length + 2;
  const NI = L * E + 1, NO = L * V;
  const data = names.map((w) => {
    const row = new Int32Array(L).fill(PAD);
    for (let i = 0; i < Math.min(L, w.length); i++) row[i] = chars.indexOf(w[i]);
    return row;
  });
  let s = seed >>> 0;  // mulberry32: a small seeded generator
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const randn = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const emb = new Float64Array(V * E).map(() => randn());
  const w1 = new Float64Array(NI * H).map(() => randn() * (5 / 3) / Math.sqrt(NI));
  const b1 = new Float64Array(H);
  const w2 = new Float64Array(H * NO).map(() => randn() * 0.01);
  const b2 = new Float64Array(NO);
  const x = new Int32Array(L), inp = new Float64Array(NI), h = new Float64Array(H);
  const out = new Float64Array(NO), dout = new Float64Array(NO), dh = new Float64Array(H);
  const dinp = new Float64Array(NI);
  const epochLosses = [];
  const t0 = performance.now();
  let examples = 0;
  for (let ep = 0; ep < epochs; ep++) {
    let sum = 0;
    for (let it = 0; it < data.length; it++) {
      const y = data[Math.floor(rand() * data.length)];
      const t = rand();
      for (let i = 0; i < L; i++) x[i] = rand() < t ? MASK : y[i];
      // forward
      for (let i = 0; i < L; i++) for (let e = 0; e < E; e++) inp[i * E + e] = emb[x[i] * E + e];
      inp[L * E] = t;
      for (let j = 0; j < H; j++) h[j] = b1[j];
      for (let k = 0; k < NI; k++) {
        const a = inp[k], row = k * H;
        for (let j = 0; j < H; j++) h[j] += a * w1[row + j];
      }
      for (let j = 0; j < H; j++) h[j] = Math.tanh(h[j]);
      for (let o = 0; o < NO; o++) out[o] = b2[o];
      for (let j = 0; j < H; j++) {
        const a = h[j], row = j * NO;
        for (let o = 0; o < NO; o++) out[o] += a * w2[row + o];
      }
      // softmax cross-entropy per position, averaged over the L positions
      let loss = 0;
      for (let i = 0; i < L; i++) {
        const off = i * V;
        let m = -Infinity;
        for (let v = 0; v < V; v++) m = Math.max(m, out[off + v]);
        let z = 0;
        for (let v = 0; v < V; v++) { dout[off + v] = Math.exp(out[off + v] - m); z += dout[off + v]; }
        loss += Math.log(z) - (out[off + y[i]] - m);
        for (let v = 0; v < V; v++) dout[off + v] /= z * L;
        dout[off + y[i]] -= 1 / L;
      }
      sum += loss / L;
      // backward
      dh.fill(0);
      for (let j = 0; j < H; j++) {
        const a = h[j], row = j * NO;
        let acc = 0;
        for (let o = 0; o < NO; o++) { acc += dout[o] * w2[row + o]; w2[row + o] -= lr * a * dout[o]; }
        dh[j] = acc * (1 - a * a);
      }
      for (let o = 0; o < NO; o++) b2[o] -= lr * dout[o];
      for (let k = 0; k < NI; k++) {
        const a = inp[k], row = k * H;
        let acc = 0;
        for (let j = 0; j < H; j++) { acc += dh[j] * w1[row + j]; w1[row + j] -= lr * a * dh[j]; }
        dinp[k] = acc;
      }
      for (let j = 0; j < H; j++) b1[j] -= lr * dh[j];
      for (let i = 0; i < L; i++) for (let e = 0; e < E; e++) emb[x[i] * E + e] -= lr * dinp[i * E + e];
      examples++;
    }
    epochLosses.push({ examples, loss: sum / data.length, ms: performance.now() - t0 });
    if (onEpoch) onEpoch(epochLosses[epochLosses.length - 1]);
  }
  const ms = performance.now() - t0;
  return { examples, ms, examplesPerS: examples / (ms / 1000), epochLosses };
}

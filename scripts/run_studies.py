"""Run the explainer's two experiments and save them to data/studies.json.

Run: python3 scripts/run_studies.py   (several minutes on 2 cores; deterministic seeds)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pytoy import studies  # noqa: E402


def main() -> None:
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    text = (ROOT / "data" / "names-large.txt").read_text()
    out = {"likelihood": studies.likelihood(text, progress=say),
           "time_input": studies.time_input(progress=say)}
    (ROOT / "data" / "studies.json").write_text(json.dumps(out, indent=1) + "\n")
    lk, ti = out["likelihood"], out["time_input"]
    print(f"held-out bits/char: diffusion ≤ {lk['diffusion']['bits_per_char']:.3f} "
          f"± {lk['diffusion']['stderr_bits']:.3f}, AR {lk['ar']['bits_per_char']:.3f}, "
          f"unigram {lk['unigram_bits_per_char']:.3f}")
    for key in ("with_t", "without_t"):
        s = ti[key]
        print(f"{key}: gap to floor {s['gap_mean']:.4f} ± {s['gap_se']:.4f}, "
              f"{s['bits_mean']:.3f} ± {s['bits_se']:.3f} bits/char")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# The shipped checkpoints in data/checkpoints/, made with the defaults table's settings.
# Training is seeded, so these commands reproduce them (up to the last bits of
# floating-point rounding on a different CPU or BLAS).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytoy train names --out data/checkpoints/names.json
python3 -m pytoy train names --arch ar --out data/checkpoints/names-ar.json
python3 -m pytoy train translate --out data/checkpoints/translate.json
# section IV's large list, a tenth held out (defaults.DATASETS); without the optimiser's state,
# which would double its size in the single file
python3 -m pytoy train names --dataset large --weights-only --out data/checkpoints/names-large.json

#!/usr/bin/env bash
# Measures the plan's calibration on this machine: five datasets a factor √10 apart (file sizes
# against rows), the largest one also giving rows/s per core. Writes calibration/plan.json. Two years,
# like the datasets plan is mostly asked about: a person's ALD history (IR_IMB_R) gains renewal rows
# with the years, which cost fewer bytes than a new person's.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.calibration
sizes=(2000 6300 20000 63000 200000)
for n in "${sizes[@]}"; do
  node dist/src/cli.js generate --beneficiaries "$n" --years 2023-2024 --seed 1 --out "$out/$n" --overwrite
done
node dist/src/cli.js plan --beneficiaries 200000 --years 2023-2024 --calibrate "${sizes[@]/#/$out/}" \
  --write-calibration calibration/plan.json

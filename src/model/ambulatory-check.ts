// calibration/ambulatory.json checked when the calibration is loaded: every nature it bills is a
// PRS_NAT_REF of IR_NAT_V, every executant an activity of IR_ACT_V, every dental act a CCAM code,
// every per-band list one entry a model age band, every share a probability.
import type data from '../../calibration/ambulatory.json';

type Ambulatory = typeof data;

export interface AmbulatoryNomenclatures {
  natures: ReadonlySet<string>;
  activities: ReadonlySet<string>;
  ccam: ReadonlySet<string>;
}

/** The file's problems, one line each naming its entry; empty when sound. */
export function ambulatoryProblems(a: Ambulatory, n: AmbulatoryNomenclatures, bands: number): string[] {
  const problems: string[] = [];
  const bad = (entry: string, value: unknown, why: string) =>
    problems.push(`ambulatory.json ${entry} ${JSON.stringify(value)} ${why}`);
  const nature = (entry: string, code: number) => {
    if (!n.natures.has(String(code))) bad(entry, code, 'is not a PRS_NAT_REF nature (IR_NAT_V)');
  };
  const natures = (entry: string, codes: Record<string, number>) =>
    Object.entries(codes).forEach(([k, v]) => nature(`${entry}.${k}`, v));
  const activity = (entry: string, code: number) => {
    if (!n.activities.has(String(code))) bad(entry, code, 'is not an activity nature (IR_ACT_V)');
  };
  const perBand = (entry: string, list: number[]) => {
    if (list.length !== bands) bad(entry, list.length, `entries, not one a model age band (${bands})`);
    list.forEach((v, i) => {
      if (!(v >= 0)) bad(`${entry}[${i}]`, v, 'is negative');
    });
  };
  const share = (entry: string, v: number) => {
    if (!(v >= 0 && v <= 1)) bad(entry, v, 'is not a share in [0, 1]');
  };
  const c = a.consultations;
  natures('consultations.natures', c.natures);
  for (const code of Object.keys(c.tariffs))
    if (code !== 'PF' && !(code in c.natures)) bad('consultations.tariffs', code, 'has no nature');
  perBand('consultations.gp_home_visit_share', c.gp_home_visit_share);
  perBand('consultations.gp_teleconsultation_share', c.gp_teleconsultation_share);
  [c.specialist_teleconsultation_share, c.specialist_opinion_share, c.urgent_visit_share, c.night_visit_share].forEach(
    (v) => share('consultations', v),
  );
  natures('nurse.natures', a.nurse.natures);
  perBand('nurse.episodes_per_year', a.nurse.episodes_per_year);
  perBand('nurse.home_share', a.nurse.home_share);
  a.nurse.programmes.forEach((p, i) => {
    perBand(`nurse.programmes[${i}].share`, p.share);
    if (!(p.nature in a.nurse.natures)) bad(`nurse.programmes[${i}].nature`, p.nature, 'is not in nurse.natures');
  });
  natures('physiotherapist.natures', a.physiotherapist.natures);
  perBand('physiotherapist.prescriptions_per_year', a.physiotherapist.prescriptions_per_year);
  perBand('physiotherapist.home_share', a.physiotherapist.home_share);
  perBand('dentist.patient_share', a.dentist.patient_share);
  nature('dentist.consultation.nature', a.dentist.consultation.nature);
  a.dentist.acts.forEach((x, i) => {
    nature(`dentist.acts[${i}].nature`, x.nature);
    if (!n.ccam.has(x.ccam)) bad(`dentist.acts[${i}].ccam`, x.ccam, 'is not a CCAM act (IR_CCAM_V63)');
  });
  natures('midwife.natures', a.midwife.natures);
  perBand('transport.stay_share', a.transport.stay_share);
  perBand('transport.other_share', a.transport.other_share);
  a.transport.modes.forEach((m, i) => nature(`transport.modes[${i}].nature`, m.nature));
  natures('daily_allowances.natures', a.daily_allowances.natures);
  for (const [entry, code] of [
    ['nurse.spe', a.nurse.spe],
    ['physiotherapist.spe', a.physiotherapist.spe],
    ['dentist.spe', a.dentist.spe],
    ['midwife.spe', a.midwife.spe],
    ['transport.spe', a.transport.spe],
    ['transport.taxi_spe', a.transport.taxi_spe],
  ] as const)
    activity(entry, code);
  return problems;
}

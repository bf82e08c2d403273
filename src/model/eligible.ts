// Whether a person of this sex and age may draw an entry bounded by sex and age (a stay chapter, a specialty).

export function eligible(e: { sex?: number; min_age?: number; max_age?: number }, sex: number, age: number): boolean {
  return (
    (e.sex === undefined || e.sex === sex) &&
    (e.min_age === undefined || age >= e.min_age) &&
    (e.max_age === undefined || age <= e.max_age)
  );
}

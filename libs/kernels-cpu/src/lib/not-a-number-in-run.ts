/**
 * Thrown by a fused loop reading a run of a JS array nobody checked (fusedReduceRuns with `checked: false`)
 * when the value at array index `index` is not a number. The executor catches it and builds that batch the
 * checked way (as values, when not all are numbers), so the user sees what an unfused run would show.
 */
export class NotANumberInRun extends Error {
  constructor(readonly index: number) {
    super(`element ${index} of the source array is not a number`);
    this.name = 'NotANumberInRun';
  }
}

/** A warning Weir raises: a retrace storm, skipped records, late records with no side output. */
export interface WeirWarning {
  readonly code: 'WeirRetraceWarning' | 'WeirSkippedRecords' | 'WeirLateRecords' | string;
  readonly message: string;
}

let handler: (w: WeirWarning) => void = (w) => process.emitWarning(w.message, w.code);

/** Routes Weir's warnings (default: process.emitWarning). Returns the previous handler. */
export function setWarningHandler(next: (w: WeirWarning) => void): (w: WeirWarning) => void {
  const prev = handler;
  handler = next;
  return prev;
}

export function warn(code: WeirWarning['code'], message: string): void {
  handler({ code, message });
}

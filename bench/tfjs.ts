/** @tensorflow/tfjs on its pure-JS CPU backend, loaded only by the cases that use it. */
export type TF = typeof import('@tensorflow/tfjs');

export async function loadTf(): Promise<TF> {
  const tf = await import('@tensorflow/tfjs');
  // Production mode only silences tfjs' warnings (the "install tfjs-node" banner); kernels are the same.
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

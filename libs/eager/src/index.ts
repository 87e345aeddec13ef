// @weir/eager: the per-element interpreter of Flows on RxJS, and the pull-based iteration the CLI's debug
// command and the runtime use. Importing it registers the CPU kernels.
export { eager, eagerCollect, eagerIterate } from './lib/eager';

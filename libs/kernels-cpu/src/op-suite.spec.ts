// The shared op spec suite (libs/dataflow/src/testing) on the eager CPU backend: every op dispatches to the
// kernels this package registers.
// The package entry point, imported relatively (the lint rule for a project's own files); it is the same
// module as '@weir/kernels-cpu', so kernels register once.
import './index';
import { describeOpSuite, eagerBackend } from '@weir/dataflow/testing';

describeOpSuite(eagerBackend);

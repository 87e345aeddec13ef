// Importing this module registers every op contract (each file registers its family).
import './unary';
import './binary';
import './reduce';
import './matmul';
import './cast';
import './where';
import './layout';
import './softmax';
import './creation';
import './fused';
import './fused-reduce';
import './matmul-reduce';

export { unaryOutDType } from './unary';
export { binaryOutDType } from './binary';

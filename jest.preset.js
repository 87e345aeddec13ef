// Shared Jest settings for every project. The `@weir/*` imports resolve to each lib's barrel through
// moduleNameMapper (the same paths as tsconfig.base.json), so tests run against source, not a build.
const path = require('node:path');

const root = __dirname;
const libs = ['dataflow', 'kernels-cpu', 'kernels-gpu', 'optimizer', 'eager', 'runtime'];

module.exports = function preset(projectDir) {
  return {
    rootDir: projectDir,
    displayName: path.relative(root, projectDir),
    preset: 'ts-jest',
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts'],
    moduleNameMapper: {
      '^@weir/dataflow/testing$': path.join(root, 'libs', 'dataflow', 'src', 'testing', 'index.ts'),
      ...Object.fromEntries(libs.map((l) => [`^@weir/${l}$`, path.join(root, 'libs', l, 'src', 'index.ts')])),
    },
    // ts-jest type-checks each file; isolatedModules keeps that per file and fast. Full type-checking
    // is `npm run typecheck`, run in CI.
    testTimeout: 60000,
  };
};

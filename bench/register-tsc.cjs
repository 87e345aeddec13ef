// Loads TypeScript files as `tsc` emits them (TypeScript's own transpileModule, CommonJS, ES2022), and
// resolves the @weir/* imports through the paths in tsconfig.base.json. The benchmark runs its cases under
// this rather than under tsx because tsx compiles with esbuild's keepNames, which wraps every closure in a
// `__name(fn, "name")` call (an Object.defineProperty per closure created): code that makes closures per
// op call pays for that on every call, which a tsc build does not. Used as `node --require` by bench/run.ts.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node --require): require is how it loads */
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile).config || {};
const paths = (config.compilerOptions && config.compilerOptions.paths) || {};

if (process.env.WEIR_BENCH_SOURCE_MAPS === '1') process.setSourceMapsEnabled(true);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  const mapped = Object.prototype.hasOwnProperty.call(paths, request) ? path.join(root, paths[request][0]) : request;
  return resolve.call(this, mapped, parent, isMain, options);
};

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: true,
};

require.extensions['.ts'] = function (module, filename) {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(out.outputText, filename);
};

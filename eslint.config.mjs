// Lint: TypeScript rules plus Nx's module-boundary check, which enforces the layer diagram in
// ../shared/DESIGN.md (imports point down only; libs/dataflow imports no other lib).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'layer:dataflow', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'layer:kernels', onlyDependOnLibsWithTags: ['layer:dataflow'] },
            { sourceTag: 'layer:eager', onlyDependOnLibsWithTags: ['layer:dataflow', 'layer:kernels'] },
            {
              sourceTag: 'layer:optimizer',
              onlyDependOnLibsWithTags: ['layer:dataflow', 'layer:kernels'],
            },
            {
              sourceTag: 'layer:runtime',
              onlyDependOnLibsWithTags: ['layer:dataflow', 'layer:kernels', 'layer:eager', 'layer:optimizer'],
            },
            {
              sourceTag: 'layer:app',
              onlyDependOnLibsWithTags: ['layer:dataflow', 'layer:eager', 'layer:runtime'],
            },
            {
              sourceTag: 'layer:e2e',
              onlyDependOnLibsWithTags: ['layer:dataflow', 'layer:eager', 'layer:runtime'],
            },
          ],
        },
      ],
    },
  },
];

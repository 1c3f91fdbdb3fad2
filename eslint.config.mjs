import { readdirSync } from 'node:fs';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Native client libraries and the one lib allowed to import each (DESIGN.md): kafkajs is unmaintained,
// so keeping each client inside one lib keeps a later client swap inside that lib.
const NATIVE = {
  kafka: ['kafkajs', '@platformatic/kafka'],
  events: ['avsc', '@kafkajs/confluent-schema-registry'],
  mongo: ['mongodb'],
};
const ALL_NATIVE = Object.values(NATIVE).flat();
// Every folder under libs/ is a lib; each gets the native-import bans of its tag.
const LIBS = readdirSync(new URL('./libs/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

const bannedFor = (lib) => ALL_NATIVE.filter((p) => !(NATIVE[lib] ?? []).includes(p));

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/*.mjs', '**/*.js', 'test-results/**'] },
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            // Services are thin wiring over libs; they never import each other or a native client.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'], bannedExternalImports: ALL_NATIVE },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            ...LIBS.map((lib) => ({ sourceTag: `lib:${lib}`, bannedExternalImports: bannedFor(lib) })),
            // Tests may start a service in-process (createApp) as well as run it as a process.
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:infra', 'type:service'], bannedExternalImports: ALL_NATIVE },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib'], bannedExternalImports: ALL_NATIVE },
          ],
        },
      ],
    },
  },
];

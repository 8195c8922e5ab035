import tseslint from 'typescript-eslint';

/** Trading logic runs on market time and is deterministic: no ambient clock or randomness there. */
const AMBIENT_TIME = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Trading logic must not read the wall clock: take time from the candle or an injected clock.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Trading logic must not read the wall clock: take time from the candle or an injected clock.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Trading logic must be deterministic: no Math.random.' },
  { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'Trading logic must not read the wall clock.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'demo/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum.' }],
    },
  },
  {
    files: ['src/model/**', 'src/strategies/**', 'src/risk/**', 'src/broker/**', 'src/engine/**', 'src/reports/**', 'src/shadow/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use an `as const` object instead of an enum.' }, ...AMBIENT_TIME],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);

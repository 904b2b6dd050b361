/** The package's entry points: tsup builds one file per key, `index` being the package root. */
export const entryPoints = {
  index: 'src/index.ts',
  fetch: 'src/fetch/index.ts',
  axios: 'src/axios/index.ts',
  ky: 'src/ky/index.ts',
  testing: 'src/testing/index.ts',
  sse: 'src/sse/index.ts',
  'graphql-ws': 'src/graphql-ws/index.ts',
  oauth: 'src/oauth/index.ts',
  'cross-tab': 'src/cross-tab/index.ts',
  inspect: 'src/inspect/index.ts',
  machine: 'src/machine/index.ts',
  angular: 'src/angular/index.ts',
  react: 'src/react/index.ts',
  vue: 'src/vue/index.ts',
  svelte: 'src/svelte/index.ts',
  redis: 'src/redis/index.ts',
} as const;

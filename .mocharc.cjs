// Every tier runs TypeScript through tsx and resolves workspace packages to their sources.
module.exports = {
  'node-option': ['import=tsx', 'conditions=source'],
  extension: ['ts'],
  timeout: 20000,
  reporter: 'spec',
};

/** e2e specs start real servers on ephemeral ports and talk over real sockets. */
const ciReports = require('../jest.ci');

module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  ...ciReports('e2e'),
};

/** Unit specs live beside the code they test (src, apps, libs, scripts). */
const ciReports = require('./jest.ci');

module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  ...ciReports('unit'),
};

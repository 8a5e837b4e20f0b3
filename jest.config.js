/** Unit specs live beside the code they test (src, apps, libs). */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/apps', '<rootDir>/libs'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
};

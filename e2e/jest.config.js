// e2e sits one level below the root (the apps and libs two), so the preset is one directory up. The specs
// run the real `weir` binary in child processes; they may take longer than unit tests.
module.exports = { ...require('../jest.preset.js')(__dirname), testTimeout: 300000 };

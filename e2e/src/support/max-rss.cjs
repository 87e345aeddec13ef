// Loaded into the `weir` process with NODE_OPTIONS=--require: at exit, writes the process's peak resident
// set size (KiB, from getrusage) to $WEIR_MAXRSS_FILE, so a test can check memory stays bounded.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, by design
const { writeFileSync } = require('node:fs');
const file = process.env.WEIR_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));

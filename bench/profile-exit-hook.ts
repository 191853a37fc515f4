/**
 * Preloaded (`--import`) into the server when the benchmark profiles it: `--cpu-prof` writes its
 * profile only on a normal exit, and the server's own SIGTERM handling ends by re-raising the
 * signal. SIGUSR2 exits normally instead.
 */
process.on('SIGUSR2', () => process.exit(0));

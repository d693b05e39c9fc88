// Runs before every test file: keep test output readable and quiet by default.
process.env.CCR_LOG_LEVEL ??= 'silent';

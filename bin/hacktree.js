#!/usr/bin/env node
// The CLI as one esbuild bundle split per command (npm run build): loading ~100 separate ES
// modules cost ~60 ms of every start-up.
import '../dist/bin/main.js';

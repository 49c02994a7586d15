#!/usr/bin/env node
// The `mobilenet-kit` command (package.json "bin"). A committed launcher rather than dist/bin.js itself, so
// that `pnpm install` can link it before the first build (pnpm warns "Failed to create bin" otherwise).
import '../dist/bin.js';

import { existsSync } from 'node:fs';

/** Debian's Chromium (apt package `chromium`); MOBILENET_KIT_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The Chromium binary to launch: MOBILENET_KIT_CHROMIUM if set, else /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.MOBILENET_KIT_CHROMIUM || DEFAULT_CHROMIUM_PATH;
}

/**
 * Returns the Chromium binary, or throws naming how to install it. Browser
 * tests call this instead of skipping: CI installs Chromium through
 * tooling/setup.sh, so a missing binary is a broken setup, not an optional feature.
 */
export function requireChromium(path: string = chromiumPath()): string {
  if (!existsSync(path)) {
    throw new Error(
      `Chromium is not installed at ${path}: run \`apt-get update && apt-get install -y chromium\` (tooling/setup.sh does), or set MOBILENET_KIT_CHROMIUM to a Chromium binary`,
    );
  }
  return path;
}

// The bundler inlines package.json, so the version printed is the one built.
import packageJson from '../package.json';

export const VERSION: string = packageJson.version;

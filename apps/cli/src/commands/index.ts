import type { Command } from '../command';
import { paperCommand } from './paper';
import { summaryCommand } from './summary';
import { trainCommand } from './train';

/** Every `mobilenet-kit` command, in the order the help lists them. A new command is one file and one line here. */
export const COMMANDS: readonly Command[] = [summaryCommand, paperCommand, trainCommand];
